package numfmt

import (
	"testing"
	"time"
)

func TestThousands(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 12345: "12,345", 1234567: "1,234,567",
		18446744073709551615: "18,446,744,073,709,551,615",
	} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 3 * time.Hour: "3h", 90 * time.Minute: "1h30m", 45 * time.Second: "45s", 30 * time.Second: "30s",
		439 * time.Hour: "18d7h", 72 * time.Hour: "3d", 47 * time.Hour: "1d23h", 24 * time.Hour: "1d", 25*time.Hour + 30*time.Minute: "1d1h",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestMany(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want string
	}{{0, "0 events"}, {1, "1 event"}, {2, "2 events"}, {12345, "12,345 events"}} {
		if got := Many(c.n, "event"); got != c.want {
			t.Errorf("Many(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestShort(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want string
	}{{999, "999"}, {9999, "9,999"}, {10_000, "10k"}, {830_500, "830k"}, {1_000_000, "1.0M"}, {4_150_000, "4.1M"}, {10_000_000, "10M"}} {
		if got := Short(c.n); got != c.want {
			t.Errorf("Short(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
