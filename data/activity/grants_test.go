package activity_test

import (
	"fmt"
	"testing"

	"matomo-audit/data/activity"
	php "matomo-audit/data/phpser"
)

func TestGrants(t *testing.T) {
	item := func(typ string, data php.Value) php.Value {
		return php.Map(php.Pair("type", php.Str(typ)), php.Pair("data", data))
	}
	user := func(login string) php.Value {
		return item("user", php.Map(php.Pair("login", php.Str(login)), php.Pair("email", php.Str(login+"@example.org"))))
	}
	site := func(id php.Value) php.Value {
		return item("measurable", php.Map(php.Pair("id", id), php.Pair("name", php.Str("Shop"))))
	}
	capability := func(id string) php.Value { return item("capability", php.Map(php.Pair("id", php.Str(id)))) }
	items := func(v ...php.Value) php.Entry { return php.Pair("items", php.List(v...)) }
	super := func(has php.Value) php.Value { return php.Map(php.Pair("has_access", has), items(user("ivan.k"))) }
	access := func(role string, sites ...php.Value) php.Value {
		list := append([]php.Value{user("bob")}, sites...)
		return php.Map(items(append(list, item("access", php.Map(php.Pair("access", php.Str(role)))))...))
	}
	cases := []struct {
		name, typ string
		params    string
		want      string
	}{
		{"super user granted", activity.TypeSuperUserAccess, string(php.Encode(super(php.Str("1")))), "[{ivan.k 0 superuser}]"},
		{"granted as a bool", activity.TypeSuperUserAccess, string(php.Encode(super(php.Bool(true)))), "[{ivan.k 0 superuser}]"},
		{"removed", activity.TypeSuperUserAccess, string(php.Encode(super(php.Str("0")))), "[]"},
		{"removed as a bool", activity.TypeSuperUserAccess, string(php.Encode(super(php.Bool(false)))), "[]"},
		// Ids may be numeric strings; every site listed is granted.
		{"admin on two sites", activity.TypeSiteAccessChanged, string(php.Encode(access("Admin", site(php.Int(1)), site(php.Str("7"))))), "[{bob 1 admin} {bob 7 admin}]"},
		{"view is a role too", activity.TypeSiteAccessChanged, string(php.Encode(access("view", site(php.Int(2))))), "[{bob 2 view}]"},
		{"no access", activity.TypeSiteAccessChanged, string(php.Encode(access("noaccess", site(php.Int(2))))), "[]"},
		{"no site", activity.TypeSiteAccessChanged, string(php.Encode(access("admin"))), "[]"},
		{"capabilities", activity.TypeCapabilitiesAdded, string(php.Encode(php.Map(items(user("carol"), site(php.Int(3)),
			capability("tagmanager_write"), capability("TagManager_Publish_Live_Container"))))), "[{carol 3 tagmanager_write} {carol 3 tagmanager_publish_live_container}]"},
		{"no grantee", activity.TypeSiteAccessChanged, string(php.Encode(php.Map(items(site(php.Int(1)), item("access", php.Map(php.Pair("access", php.Str("admin")))))))), "[]"},
		{"damaged", activity.TypeSuperUserAccess, `a:1:{s:10:"has_access";`, "[]"},
		{"null", activity.TypeSuperUserAccess, "N;", "[]"},
		{"capabilities removed", "ActivityLog/UserCapabilitiesRemoved", string(php.Encode(php.Map(items(user("carol"), site(php.Int(3)), capability("tagmanager_write"))))), "[]"},
		// Old rows name the type by its PHP class.
		{"class name", `Piwik\Plugins\ActivityLog\Activity\UserSetSuperUserAccess`, string(php.Encode(super(php.Int(1)))), "[{ivan.k 0 superuser}]"},
	}
	for _, c := range cases {
		e := activity.FromRow(activity.Row{ID: 1, Login: "alice", Type: c.typ, Params: c.params, Created: "2026-11-20 10:00:00"})
		got := activity.Grants(&e)
		if s := fmt.Sprint(got); s != c.want && !(c.want == "[]" && got == nil) {
			t.Errorf("%s: %v, want %s", c.name, got, c.want)
		}
	}
}
