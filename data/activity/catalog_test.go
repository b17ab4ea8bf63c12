package activity_test

import (
	"regexp"
	"strings"
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	php "matomo-audit/data/phpser"
)

// leftovers are signs of a sentence built from missing or mistyped parts.
var leftovers = regexp.MustCompile(`%!|<nil>|\{\}|\[\]|""|\(\)|  |\bmap\[|\bnull\b|^ | $|\( |, \)|,,|\(id \)|"\s*"`)

// TestCatalogDescriptions runs every catalog entry on realistic
// parameters, several variants each.
func TestCatalogDescriptions(t *testing.T) {
	specs := activity.Specs()
	if len(specs) < 130 {
		t.Fatalf("catalog has %d types; the facts page lists about 140", len(specs))
	}
	for _, spec := range specs {
		if spec.Category == "" || spec.Summary == "" || len(spec.Severities) == 0 || !activity.IsCategory(spec.Category) {
			t.Errorf("%s: incomplete spec %+v", spec.Type, spec)
		}
		for seed := uint64(0); seed < 12; seed++ {
			row, ok := demo.Sample(spec.Type, seed)
			if !ok {
				t.Fatalf("%s: no sample generator", spec.Type)
			}
			e := activity.FromRow(row)
			d := e.Description
			switch {
			case !e.ParamsOK():
				t.Errorf("%s: sample parameters do not decode: %v", spec.Type, e.ParamsErr)
			case d == "":
				t.Errorf("%s: empty description", spec.Type)
			case leftovers.MatchString(d):
				t.Errorf("%s: leftover in %q (params %s)", spec.Type, d, e.Params)
			case strings.Contains(d, "(plugin ") && strings.HasPrefix(d, activity.ClassName(spec.Type)):
				t.Errorf("%s: generic description %q for a known type", spec.Type, d)
			case strings.Contains(d, "something") || strings.HasPrefix(d, "a "):
				t.Errorf("%s: vague description %q", spec.Type, d)
			}
			if !contains(spec.Severities, e.Severity) {
				t.Errorf("%s: severity %s not among declared %v", spec.Type, e.Severity, spec.Severities)
			}
			if e.Category != spec.Category {
				t.Errorf("%s: category %s, spec %s", spec.Type, e.Category, spec.Category)
			}
		}
	}
}

func contains(list []activity.Severity, s activity.Severity) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDescriptionsNameTheirSubject spot-checks wording that matters in an
// audit: who got which rights, granted vs removed.
func TestDescriptionsNameTheirSubject(t *testing.T) {
	user := func(login string) php.Value {
		return php.Map(php.Pair("type", php.Str("user")), php.Pair("data", php.Map(php.Pair("login", php.Str(login)), php.Pair("email", php.Str(login+"@x.example")))))
	}
	cases := []struct {
		typ    string
		params php.Value
		want   string
		sev    activity.Severity
	}{
		{"ActivityLog/UserSetSuperUserAccess", php.Map(php.Pair("has_access", php.Str("1")), php.Pair("items", php.List(user("mallory")))), "granted super user access to mallory (mallory@x.example)", activity.Security},
		{"ActivityLog/UserSetSuperUserAccess", php.Map(php.Pair("has_access", php.Str("0")), php.Pair("items", php.List(user("mallory")))), "removed super user access from mallory (mallory@x.example)", activity.Security},
		{"ActivityLog/UserSetSuperUserAccess", php.Map(php.Pair("has_access", php.Bool(true)), php.Pair("items", php.List(user("x")))), "granted super user access to x (x@x.example)", activity.Security},
		{"ActivityLog/TwoFactorDisabled", php.Map(php.Pair("login", php.Str("bob"))), "disabled two-factor authentication for user bob", activity.Security},
		{"ActivityLog/TwoFactorDisabled", php.Map(php.Pair("login", php.Str("actor"))), "disabled two-factor authentication", activity.Security},
		{"ActivityLog/UserChanged", php.Map(php.Pair("password_changed", php.Int(1)), php.Pair("items", php.List(user("carol")))), "changed user carol (carol@x.example) and set a new password", activity.Notice},
		{"ActivityLog/PluginActivated", php.Map(php.Pair("items", php.List(php.Map(php.Pair("type", php.Str("plugin")), php.Pair("data", php.Map(php.Pair("name", php.Str("Goals")))))))), "activated plugin Goals", activity.Notice},
		{"ActivityLog/PluginActivated", php.Map(php.Pair("items", php.List(php.Map(php.Pair("type", php.Str("plugin")), php.Pair("data", php.Map(php.Pair("name", php.Str("WebShell")))))))), "activated plugin WebShell", activity.Security},
		{"ActivityLog/PrivacySetAnonymizeIp", php.Map(php.Pair("enabled", php.Bool(false))), "disabled IP address anonymisation", activity.Security},
		{"ActivityLog/ComponentUpdated", php.Map(php.Pair("component", php.Str("core")), php.Pair("version", php.Str("5.6.2"))), "updated Matomo core to 5.6.2", activity.Notice},
		{"AbTesting/ExperimentDeleted", php.Null(), "deleted an A/B test (details not recorded)", activity.Notice},
		{"OAuth2/AuthorizeClient", php.Map(php.Pair("client", php.Map(php.Pair("id", php.Str("c1")), php.Pair("name", php.Str("BI")))), php.Pair("userLogin", php.Str("bob")), php.Pair("decision", php.Str("denied"))), `denied OAuth2 client "BI" (c1) access for bob`, activity.Notice},
		{"TwoFactorAuth/TwoFactorDisabled", php.Map(php.Pair("login", php.Str("bob"))), "disabled two-factor authentication for user bob", activity.Security},
	}
	for _, c := range cases {
		e := activity.FromRow(activity.Row{ID: 1, Login: "actor", Type: c.typ, Params: string(php.Encode(c.params)), Created: "2026-11-20 10:00:00"})
		if e.Description != c.want || e.Severity != c.sev {
			t.Errorf("%s %s:\n got %s %q\nwant %s %q", c.typ, c.params, e.Severity, e.Description, c.sev, c.want)
		}
	}
}

func TestUnknownTypesAndBadRows(t *testing.T) {
	e := activity.FromRow(activity.Row{ID: 1, Login: "x", Type: "SomePlugin/DidThing",
		Params: string(php.Encode(php.Map(php.Pair("foo", php.Int(1)), php.Pair("items", php.List(php.Map(php.Pair("type", php.Str("widget")))))))), Created: "2026-11-20 10:00:00"})
	if e.Category != activity.CategoryOther || e.Description != "DidThing (plugin SomePlugin) with foo, items [widget]" {
		t.Errorf("unknown type: %s %q", e.Category, e.Description)
	}
	e = activity.FromRow(activity.Row{ID: 1, Login: "x", Type: `Piwik\Plugins\ActivityLog\Activity\UserSignedIn`, Params: "a:0:{}"})
	if e.Type != "ActivityLog/UserSignedIn" || e.RawType == e.Type || e.Description != "signed in" || !e.Time.IsZero() {
		t.Errorf("class-name type: %q %q %q %v", e.Type, e.RawType, e.Description, e.Time)
	}
	e = activity.FromRow(activity.Row{ID: 1, Login: "x", Type: "ActivityLog/GoalAdded", Params: "a:1:{"})
	if e.ParamsOK() || !strings.Contains(e.Description, "goal added") || !strings.Contains(e.Description, "raw") {
		t.Errorf("undecodable: %q", e.Description)
	}
	big := strings.Repeat("x", activity.MaxParamsBytes+1)
	e = activity.FromRow(activity.Row{ID: 1, Login: "x", Type: "ActivityLog/GoalAdded", Params: big})
	if e.ParamsErr != activity.ErrParamsTooLarge || e.RawParams != big {
		t.Errorf("oversized parameters: %v", e.ParamsErr)
	}
	e = activity.FromRow(activity.Row{ID: 1, Login: "x", Type: "A/B", IP: []byte{1, 2, 3}})
	if e.IPText() != "0x010203" {
		t.Errorf("malformed ip shown as %q", e.IPText())
	}
}

// FuzzDescribe feeds arbitrary parameters to every known type: no panic,
// never an empty description.
func FuzzDescribe(f *testing.F) {
	for _, spec := range activity.Specs() {
		if row, ok := demo.Sample(spec.Type, 1); ok {
			f.Add(row.Params, 0)
		}
	}
	f.Add(`a:1:{s:5:"items";s:3:"abc";}`, 3)
	f.Add(`a:2:{s:4:"site";i:5;s:5:"items";a:1:{i:0;N;}}`, 7)
	specs := activity.Specs()
	f.Fuzz(func(t *testing.T, params string, pick int) {
		for i := 0; i < 4; i++ {
			spec := specs[uint(pick+i*37)%uint(len(specs))]
			e := activity.FromRow(activity.Row{ID: 1, Login: "x", Type: spec.Type, Params: params, Created: "2026-11-20 10:00:00"})
			if e.Description == "" {
				t.Fatalf("%s: empty description for %q", spec.Type, params)
			}
			_ = e.SearchText()
			_ = e.Sites()
		}
	})
}
