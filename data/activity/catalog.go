package activity

import (
	"sort"
	"strings"
)

// Spec is what the catalog knows about one activity type.
type Spec struct {
	Type     string   // normalised id, e.g. "ActivityLog/GoalAdded"
	Aliases  []string // historic ids that mean the same
	Category string
	Summary  string // short name for lists and pickers, e.g. "goal added"
	// Severity is the type's severity; Escalate may raise or lower it per
	// event. Severities lists every value it can take, so filters can be
	// pushed down to SQL by type.
	Severity   Severity
	escalate   func(p params) Severity
	Severities []Severity
	describe   func(p params) string
}

// The categories, in the order pickers list them.
var categories = []string{
	"login", "security", "user", "site", "goal", "segment", "report", "annotation",
	"plugin", "settings", "privacy", "import", "tagmanager", "abtesting", "forms",
	"funnels", "heatmaps", "crash", "other",
}

// CategoryOther holds types the catalog does not know.
const CategoryOther = "other"

// Categories lists every category name.
func Categories() []string { return append([]string(nil), categories...) }

// CategoriesOf lists the categories whose cat: term takes in an event of
// this category and severity: its own, and "security" for every event of
// severity security (failed logins, grants, ...), which is what someone
// typing cat:security wants to see. The query evaluator, the pickers' and
// the summary's counts all read it here, so they cannot disagree.
func CategoriesOf(category string, sev Severity) []string {
	if sev == Security && category != "security" {
		return []string{category, "security"}
	}
	return []string{category}
}

// IsCategory reports whether name is a category (case-insensitive).
func IsCategory(name string) bool {
	for _, c := range categories {
		if strings.EqualFold(c, name) {
			return true
		}
	}
	return false
}

var (
	byType = map[string]*Spec{}
	specs  []*Spec
)

// Lookup finds the spec of a normalised type id (or a historic alias).
func Lookup(typ string) (*Spec, bool) {
	s, ok := byType[typ]
	return s, ok
}

// Specs lists every known type, sorted by id.
func Specs() []*Spec { return append([]*Spec(nil), specs...) }

// StoredForms lists the spellings rows can hold for this type: the
// "Plugin/Class" ids and their fully-qualified PHP class names.
func (s *Spec) StoredForms() []string {
	var out []string
	for _, id := range append([]string{s.Type}, s.Aliases...) {
		out = append(out, id)
		if i := strings.IndexByte(id, '/'); i > 0 {
			out = append(out, `Piwik\Plugins\`+id[:i]+`\Activity\`+id[i+1:])
		}
	}
	return out
}

func register(s *Spec) {
	if s.Severities == nil {
		s.Severities = []Severity{s.Severity}
	}
	if _, dup := byType[s.Type]; dup {
		panic("activity: duplicate catalog entry " + s.Type)
	}
	byType[s.Type] = s
	for _, a := range s.Aliases {
		byType[a] = s
	}
	specs = append(specs, s)
}

func init() {
	for _, s := range coreSpecs() {
		register(s)
	}
	for _, s := range pluginSpecs() {
		register(s)
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].Type < specs[j].Type })
}

// classify fills Category, Severity and Description.
func classify(e *Event) {
	spec, ok := Lookup(e.Type)
	p := params{v: e.Params, login: e.Login}
	if !ok {
		e.Category = CategoryOther
		e.Severity = Info
		e.Description = genericDescription(e)
		return
	}
	e.Category = spec.Category
	e.Severity = spec.Severity
	if !e.ParamsOK() {
		e.Description = spec.Summary + " (parameters not readable: shown raw)"
		return
	}
	if spec.escalate != nil {
		e.Severity = spec.escalate(p)
	}
	e.Description = spec.describe(p)
}

// genericDescription serves types whose plugin we do not know: it says
// what the type is and which parameters it carries, so nothing is hidden.
func genericDescription(e *Event) string {
	d := ClassName(e.Type)
	if plugin, _, ok := strings.Cut(e.Type, "/"); ok {
		d += " (plugin " + plugin + ")"
	}
	if !e.ParamsOK() {
		return d + "; parameters not readable: shown raw"
	}
	var keys []string
	for _, en := range e.Params.Entries {
		k := en.Key.Str
		if en.Key.IsInt {
			k = "#" + itoa(en.Key.Int)
		}
		if k == "items" {
			var kinds []string
			for _, it := range (params{v: e.Params}).items() {
				if t := field(it, "type"); t != "" {
					kinds = append(kinds, t)
				}
			}
			if len(kinds) > 0 {
				k += " [" + strings.Join(kinds, ", ") + "]"
			}
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return d + ", no parameters"
	}
	return d + " with " + strings.Join(keys, ", ")
}

// Sites lists the site ids an event concerns, from its measurable items,
// the other plugins' "site" block and the few types that carry idSite(s).
func (e *Event) Sites() []int64 {
	if !e.ParamsOK() {
		return nil
	}
	p := params{v: e.Params}
	var out []int64
	seen := map[int64]bool{}
	add := func(v int64, ok bool) {
		if ok && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, m := range p.itemsOf("measurable") {
		id, _ := m.Get("id")
		add(id.Int64())
	}
	if s, ok := e.Params.Get("site"); ok {
		id, _ := s.Get("site_id")
		add(id.Int64())
	}
	for _, kind := range []string{"googleanalyticsimport", "privacyFindDataSubject"} {
		for _, d := range p.itemsOf(kind) {
			id, _ := d.Get("idSite")
			add(id.Int64())
		}
	}
	for _, d := range p.itemsOf("reportsinvalidated") {
		ids, _ := d.Get("idSites")
		for _, en := range ids.Entries {
			add(en.Value.Int64())
		}
	}
	return out
}

// escalates makes the severity depend on the parameters; every such rule
// here chooses between notice and security.
func (s *Spec) escalates(f func(p params) Severity) *Spec {
	s.escalate = f
	s.Severities = []Severity{Notice, Security}
	return s
}
