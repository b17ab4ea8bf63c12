package theme

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"
)

// TestStylesGolden pins what every style of every theme writes to the
// terminal, so that reshaping how the themes are built cannot change a
// single byte of the UI. lipgloss v2 renders colours as true-colour
// sequences whatever the terminal; downsampling happens later, at output,
// so no colour profile needs forcing here. Regenerate with:
// go test ./theme -run TestStylesGolden -update
func TestStylesGolden(t *testing.T) {
	for _, th := range []Theme{Dark(), Light(), NoColor()} {
		t.Run(th.Name, func(t *testing.T) {
			golden.RequireEqual(t, dump(t, th))
		})
	}
}

// dump walks the struct by reflection rather than by a list of names so
// that a field added to Theme later is covered without anyone remembering
// to add it here; a field of a kind it does not know fails the test.
func dump(t *testing.T, th Theme) string {
	t.Helper()
	var b strings.Builder
	v := reflect.ValueOf(th)
	styleType := reflect.TypeFor[lipgloss.Style]()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		var out string
		switch {
		case f.Type() == styleType:
			out = f.Interface().(lipgloss.Style).Render("Ab 1")
		case f.Kind() == reflect.String:
			out = f.String()
		default:
			t.Fatalf("Theme.%s: a %s, which this test does not know how to render", name, f.Type())
		}
		// Quoted, one field a line, so the golden file reads and diffs as
		// text even though it is mostly escape sequences.
		fmt.Fprintf(&b, "%-12s %s\n", name, strconv.Quote(out))
	}
	return b.String()
}
