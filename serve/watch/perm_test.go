package watch

import (
	"strings"
	"testing"
)

func TestDenial(t *testing.T) {
	var (
		super     = Who{Login: "root", Super: true}
		bob       = Who{Login: "bob"}
		bobUpper  = Who{Login: "BOB"}
		bobOncall = Who{Login: "bob", View: "oncall"}
		bobOther  = Who{Login: "bob", View: "other"}
		alice     = Who{Login: "alice"}
		aliceOn   = Who{Login: "alice", View: "oncall"}
		oncall    = Who{View: "oncall"}
		oncallCap = Who{View: "Oncall"}
		other     = Who{View: "other"}
		nobody    = Who{}
	)
	tests := []struct {
		name           string
		viewer, target Who
		ok             bool
		why            string // a part of the refusal
	}{
		{"super, a login", super, bob, true, ""},
		{"super, a view", super, oncall, true, ""},
		{"super, a login in a view", super, aliceOn, true, ""},
		{"super with a view, another view", Who{Login: "root", View: "oncall", Super: true}, other, true, ""},

		{"login, own", bob, bob, true, ""},
		{"login, own in another case", bob, bobUpper, true, ""},
		{"login in another case, own", bobUpper, bob, true, ""},
		{"login, own in a view", bob, bobOncall, true, ""},
		{"login, another", bob, alice, false, "bob may watch only bob's own sessions, not alice's session"},
		{"login, another in a view", bob, aliceOn, false, "not alice's session in view oncall"},
		{"login, a shared view", bob, oncall, false, "not a session of the shared view oncall"},
		{"demoted super, another", Who{Login: "root"}, bob, false, "root may watch only root's own sessions"},

		{"login in a view, own in that view", bobOncall, Who{Login: "Bob", View: "oncall"}, true, ""},
		{"login in a view, own without a view", bobOncall, bob, false, "bob in view oncall may watch only bob's own sessions in that view, not bob's session"},
		{"login in a view, own in another view", bobOncall, bobOther, false, "not bob's session in view other"},
		{"login in a view, another in that view", bobOncall, aliceOn, false, "not alice's session"},
		{"login in a view, the shared view", bobOncall, oncall, false, "not a session of the shared view oncall"},

		{"view, same view", oncall, oncall, true, ""},
		{"view, another view", oncall, other, false, "the shared view oncall may watch only other sessions of that view without a login"},
		{"view, the name in another case", oncall, oncallCap, false, "not a session of the shared view Oncall"},
		{"view, a login in that view", oncall, aliceOn, false, "not alice's session in view oncall"},
		{"view, a login", oncall, alice, false, "not alice's session"},

		{"nobody, a shared view", nobody, Who{}, false, "neither a login nor a view"},
		{"odd names are quoted", Who{Login: "o'brien"}, Who{Login: "eve\x1b[2J"}, false, `"o'brien" may watch only "o'brien"'s own sessions, not "eve\x1b[2J"'s session`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := denial(tt.viewer, tt.target)
			if tt.ok {
				if why != "" {
					t.Fatalf("refused: %s", why)
				}
				return
			}
			if why == "" {
				t.Fatal("allowed")
			}
			if !strings.Contains(why, tt.why) {
				t.Fatalf("refusal %q does not say %q", why, tt.why)
			}
			if strings.ContainsAny(why, "\n\r\x1b") {
				t.Fatalf("refusal %q is not one printable line", why)
			}
		})
	}
}
