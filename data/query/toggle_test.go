package query

import "testing"

func TestToggleIP(t *testing.T) {
	q, err := Parse("cat:login ip:10.0.0.0/8 -ip:10.9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	q = q.ToggleIP("10.1.2.3")
	if got := q.String(); got != "cat:login -ip:10.9.9.9 ip:10.1.2.3" {
		t.Fatalf("i: %q", got)
	}
	q = q.ToggleIP("10.1.2.0/24")
	if got := q.String(); got != "cat:login -ip:10.9.9.9 ip:10.1.2.0/24" {
		t.Fatalf("I after i: %q", got)
	}
	if got := q.ToggleIP("10.1.2.0/24").String(); got != "cat:login -ip:10.9.9.9" {
		t.Fatalf("I again: %q", got)
	}
	if got := (*Query)(nil).ToggleIP("2001:db8::/64").String(); got != "ip:2001:db8::/64" {
		t.Fatalf("from nothing: %q", got)
	}
}
