package export

import (
	"encoding/json"
	"testing"

	"matomo-audit/data/activity"
)

// FuzzAppendEvent: whatever a row holds, its export is one valid JSON
// object whose strings read back as encoding/json would have written
// them, and whose parameters, when decodable, are valid JSON on their own.
func FuzzAppendEvent(f *testing.F) {
	f.Add("alice", "ActivityLog/GoalAdded", goalParams, "2026-11-20 10:00:00", "de", []byte{203, 0, 113, 7})
	f.Add("\x1b]52;c;aGk=\x07", "Custom/T\u2028", `a:1:{s:3:"abc"`, "garbage", "\xff", []byte{1, 2, 3})
	f.Add("漢字 😀", "ActivityLog/UserSignedIn", `s:5:"a\x00\"b\\";`, "0000-00-00 00:00:00", "", []byte(nil))
	f.Fuzz(func(t *testing.T, login, typ, params, created, country string, ip []byte) {
		e := activity.FromRow(activity.Row{ID: 7, Login: login, Type: typ, Params: params, Created: created,
			Country: country, HasCountry: country != "", IP: ip})
		b := AppendEvent(nil, &e)
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("invalid JSON %q: %v", b, err)
		}
		for key, in := range map[string]string{"user": e.Login, "type": e.Type, "description": e.Description} {
			std, _ := json.Marshal(in)
			var want string
			json.Unmarshal(std, &want)
			if got[key] != want {
				t.Fatalf("%s %q came back as %q", key, in, got[key])
			}
		}
		if !e.ParamsOK() {
			std, _ := json.Marshal(e.RawParams)
			var want string
			json.Unmarshal(std, &want)
			if got["parameters_raw"] != want {
				t.Fatalf("parameters_raw %q came back as %q", e.RawParams, got["parameters_raw"])
			}
		}
	})
}
