package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/phpser"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

type detailState struct {
	full   bool // full screen (enter)
	focus  bool // keys scroll the pane (tab)
	raw    bool // show the stored parameters text
	scroll int
	height int // rows the pane had at the last layout, for paging
	total  int // lines of content at the last layout
	cache  detailCache
}

func (d *detailState) clampScroll() {
	d.scroll = min(d.scroll, d.total-d.height)
	d.scroll = max(d.scroll, 0)
}

const labelWidth = 10

// detailLines renders every field of e for a pane w cells wide. All text
// from the database goes through safe().
func (m *Model) detailLines(e *activity.Event, w int) []string {
	th := m.c.Theme
	var out []string
	add := func(s string) { out = append(out, s) }
	field := func(label, value string, styled func(string) string) {
		vw := max(1, w-labelWidth)
		for i, l := range cell.Wrap(value, vw) {
			lab := strings.Repeat(" ", labelWidth)
			if i == 0 {
				lab = th.DetailKey.Render(cell.Fit(label, labelWidth, ""))
			}
			add(lab + styled(l))
		}
	}
	plain := func(s string) string { return th.DetailValue.Render(s) }
	dim := func(s string) string { return th.DetailDim.Render(s) }

	title := fmt.Sprintf("Event #%s", numfmt.Thousands(e.ID))
	add(th.DetailTitle.Render(cell.Clip(title, w, th.Ellipsis)))

	if e.Time.IsZero() {
		field("time", "(the row holds no valid date)", dim)
	} else {
		field("time", e.Time.UTC().Format("2006-01-02 15:04:05")+" UTC · "+age(m.c.Now(), e.Time), plain)
		if m.c.Loc != time.UTC {
			lt := e.Time.In(m.c.Loc)
			field("", lt.Format("2006-01-02 15:04:05 MST")+" ("+m.c.Loc.String()+")", dim)
		}
	}
	field("user", cell.Safe(e.Login), plain)
	note := userNote(e.User)
	if e.User.Kind == activity.UserUnchecked && m.userProblem != "" {
		note = "user marks are off: " + cell.Safe(m.userProblem)
	}
	if note != "" {
		field("", note, dim)
	}
	field("type", cell.Safe(e.Type), plain)
	if e.RawType != e.Type {
		field("", "stored as "+cell.Safe(e.RawType), dim)
	}
	field("category", e.Category, plain)
	sev := plain
	switch e.Severity {
	case activity.Security:
		sev = func(s string) string { return th.Security.Render(s) }
	case activity.Notice:
		sev = func(s string) string { return th.Notice.Render(s) }
	}
	field("severity", e.Severity.String(), sev)
	ip := e.IPText()
	if ip == "" {
		ip = "unknown"
	}
	if e.Country != "" {
		ip += " · country " + cell.Safe(e.Country)
	}
	field("ip", ip, plain)
	if sites := e.Sites(); len(sites) > 0 {
		ids := make([]string, len(sites))
		for i, s := range sites {
			ids[i] = strconv.FormatInt(s, 10)
		}
		field("sites", strings.Join(ids, ", "), plain)
	}
	field("what", cell.Safe(e.Description), sev)
	add("")
	switch {
	case e.ParamsOK():
		add(th.DetailKey.Render("parameters"))
		n := len(out)
		m.tree(e.Params, "  ", w, &out)
		if len(out) == n {
			add(dim("  (none)"))
		}
	default:
		add(th.DetailKey.Render("parameters") + " " + th.Security.Render(cell.Clip("not decoded: "+cell.Safe(e.ParamsErr.Error()), max(1, w-11), th.Ellipsis)))
	}
	if m.detail.raw || !e.ParamsOK() {
		add("")
		add(th.DetailKey.Render("stored parameters (" + m.c.Keys.Raw.Help().Key + ")"))
		raw := cell.Safe(e.RawParams)
		const rawCap = 64 << 10 // a screenful is enough; the export has all of it
		if len(raw) > rawCap {
			raw = raw[:rawCap] + " …(" + numfmt.Thousands(uint64(len(e.RawParams))) + " bytes)"
		}
		for _, l := range strings.Split(hardwrap(raw, max(1, w-2)), "\n") {
			add("  " + th.Raw.Render(l))
		}
	} else {
		add(dim(m.c.Keys.Raw.Help().Key + ": show the stored text"))
	}
	return out
}

func hardwrap(s string, w int) string {
	var b strings.Builder
	line := 0
	for _, r := range s {
		rw := cell.Width(string(r))
		if line+rw > w && line > 0 {
			b.WriteByte('\n')
			line = 0
		}
		b.WriteRune(r)
		line += rw
	}
	return b.String()
}

func userNote(u activity.UserInfo) string {
	switch u.Kind {
	case activity.UserSystem:
		return "Matomo itself (scheduled tasks)"
	case activity.UserConsole:
		return "a console command"
	case activity.UserAnonymous:
		return "anonymous visitor"
	case activity.UserGone:
		return "not a current user (deleted, or a login typed at a failed sign-in)"
	case activity.UserCurrent, activity.UserInvited:
		parts := []string{"current user"}
		if u.Kind == activity.UserInvited {
			parts[0] = "invited, not accepted (no one has signed in with it)"
		}
		if u.Account != "" {
			// Logins compare case-insensitively, as in Matomo's table.
			parts = append(parts, "account "+cell.Safe(u.Account))
		}
		if u.SuperUser {
			parts = append(parts, "super user")
		}
		if u.Email != "" {
			parts = append(parts, cell.Safe(u.Email))
		}
		return strings.Join(parts, " · ")
	}
	return ""
}

// age says how long ago t was, in the largest sensible unit.
func age(now, t time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		return "in the future (clock skew?)"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 60*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	case d < 2*365*24*time.Hour:
		return plural(int(d/(30*24*time.Hour)), "month") + " ago"
	}
	return plural(int(d/(365*24*time.Hour)), "year") + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

const maxTreeDepth = 32

// tree renders decoded parameters YAML-like: "key: value", nested values
// indented, list items with "- ". Long values wrap under themselves.
func (m *Model) tree(v phpser.Value, indent string, w int, out *[]string) {
	m.treeAt(v, indent, w, out, 0)
}

func (m *Model) treeAt(v phpser.Value, indent string, w int, out *[]string, depth int) {
	th := m.c.Theme
	if depth > maxTreeDepth {
		*out = append(*out, indent+th.DetailDim.Render("…"))
		return
	}
	list := v.IsList()
	for _, en := range v.Entries {
		var label string
		if list {
			label = "- "
		} else {
			k := en.Key.Str
			if en.Key.IsInt {
				k = strconv.FormatInt(en.Key.Int, 10)
			}
			label = th.TreeKey.Render(cell.Safe(k)) + ": "
		}
		val := en.Value
		container := val.Kind == phpser.KindArray || val.Kind == phpser.KindObject
		if container && len(val.Entries) > 0 {
			if list && !val.IsList() {
				// "- key: value" on the item's first line, like YAML.
				start := len(*out)
				m.treeAt(val, indent+"  ", w, out, depth+1)
				if len(*out) > start {
					first := (*out)[start]
					(*out)[start] = indent + "- " + strings.TrimPrefix(first, indent+"  ")
				}
				continue
			}
			head := strings.TrimSuffix(label, " ")
			if val.Kind == phpser.KindObject && val.Class != "" {
				head += " " + th.TreeOther.Render("("+cell.Safe(val.Class)+")")
			}
			*out = append(*out, indent+head)
			m.treeAt(val, indent+"  ", w, out, depth+1)
			continue
		}
		text, style := m.scalar(val)
		prefix := indent + label
		pw := cell.Width(prefix)
		for i, l := range cell.Wrap(text, max(1, w-pw)) {
			if i == 0 {
				*out = append(*out, prefix+style(l))
			} else {
				*out = append(*out, strings.Repeat(" ", pw)+style(l))
			}
		}
	}
}

func (m *Model) scalar(v phpser.Value) (string, func(...string) string) {
	th := m.c.Theme
	switch v.Kind {
	case phpser.KindNull:
		return "null", th.TreeOther.Render
	case phpser.KindBool:
		if v.Bool {
			return "true", th.TreeOther.Render
		}
		return "false", th.TreeOther.Render
	case phpser.KindInt, phpser.KindFloat:
		s, _ := v.Scalar()
		return s, th.TreeNumber.Render
	case phpser.KindArray, phpser.KindObject:
		if v.IsList() {
			return "[]", th.TreeOther.Render
		}
		return "{}", th.TreeOther.Render
	}
	if v.Str == "" {
		return `""`, th.TreeOther.Render
	}
	return cell.Safe(v.Str), th.TreeString.Render
}
