// Package theme holds every style the terminal UI uses; nothing is styled
// anywhere else. Marks that carry meaning (security events, the cursor,
// pseudo-users, former users) are characters as well as colours, so they
// survive NO_COLOR and monochrome terminals.
package theme

import (
	"image/color"
	"os"
	"strings"

	"charm.land/lipgloss/v2"
)

// Theme is a complete set of styles.
type Theme struct {
	Name string

	Header     lipgloss.Style // top line
	HeaderDim  lipgloss.Style
	Status     lipgloss.Style // status bar background
	StatusKey  lipgloss.Style // labels and badges inside it
	StatusWarn lipgloss.Style // background work, retries
	StatusErr  lipgloss.Style // last error
	Chip       lipgloss.Style // a query term in the status bar
	ChipNeg    lipgloss.Style // a negated (excluding) term
	Hint       lipgloss.Style // one-line key hint
	HintKey    lipgloss.Style

	Row        lipgloss.Style
	Cursor     lipgloss.Style // the cursor row
	Selected   lipgloss.Style // rows inside a range selection
	Time       lipgloss.Style
	User       lipgloss.Style
	UserPseudo lipgloss.Style // Matomo System, Console Command, anonymous
	UserGone   lipgloss.Style // not a current user
	Desc       lipgloss.Style
	IP         lipgloss.Style
	Flash      lipgloss.Style // a security event that just arrived
	Security   lipgloss.Style // description and marker of security events
	Notice     lipgloss.Style
	Empty      lipgloss.Style // "no events" and similar

	Border      lipgloss.Style // separators between panes
	DetailTitle lipgloss.Style
	DetailKey   lipgloss.Style
	DetailValue lipgloss.Style
	DetailDim   lipgloss.Style
	TreeKey     lipgloss.Style
	TreeString  lipgloss.Style
	TreeNumber  lipgloss.Style
	TreeOther   lipgloss.Style // bool, null
	Raw         lipgloss.Style

	HelpBox   lipgloss.Style
	HelpTitle lipgloss.Style
	HelpKey   lipgloss.Style
	HelpDesc  lipgloss.Style

	Toast    lipgloss.Style // "wrote 12,345 events to ..."
	BarDone  lipgloss.Style // progress bar, done part
	BarTodo  lipgloss.Style
	DlgLabel lipgloss.Style // labels in a dialog
	DlgValue lipgloss.Style
	DlgWarn  lipgloss.Style // a question or problem in a dialog

	// The summary screen (s) and the sparklines.
	SumTitle    lipgloss.Style // its title line
	SumSection  lipgloss.Style // "Privilege changes" and the other headings
	SumDim      lipgloss.Style // counts and notes beside a heading
	SumBar      lipgloss.Style // the bars of the top lists
	SumWindow   lipgloss.Style // the chosen window among the others
	Spark       lipgloss.Style // activity sparkline
	SparkPeak   lipgloss.Style // its tallest bar and the peak note
	HeaderSpark lipgloss.Style // the sparkline in the header bar

	// Glyphs. One cell wide each.
	MarkSecurity string // left of a security event
	MarkIncident string // an event marked for everyone (m)
	MarkNotice   string
	MarkCursor   string
	MarkSelected string // left of rows in a range selection
	MarkPseudo   string // after a pseudo-user's login
	MarkGone     string // after a login not in <prefix>user
	MarkPeak     string // under the peak of the summary's sparkline
	Ellipsis     string
}

// Palette names colours by what they mean, not by hue, so that a theme is
// only a choice of colours and every style is built once, in fromPalette.
// Colours used on the terminal's own background come first, then those of
// the bars and badges, which each bring their own background. A field
// that looks redundant (Warn beside Notice, HintKey beside Dim) is one that
// at least one palette sets apart; merging it would change what that
// theme draws.
type Palette struct {
	Fg       color.Color // body text: descriptions, values, headings
	Dim      color.Color // secondary text: labels, times, raw JSON
	Faint    color.Color // what should recede: hints, IPs, pseudo-users
	HintKey  color.Color // a key named in a hint, a step above Faint
	Accent   color.Color // titles, the help box, progress and sparklines
	Chart    color.Color // the bars of the summary's top lists
	Border   color.Color // separators between panes
	Ident    color.Color // names of things: logins, JSON keys
	Gone     color.Color // a login that is no longer a user
	Security color.Color // security events, and the peak of a sparkline
	Notice   color.Color
	Warn     color.Color // a question or problem in a dialog
	String   color.Color // JSON values by type
	Number   color.Color
	Literal  color.Color // true, false, null

	HeaderBg    color.Color // also the empty track of a progress bar
	StatusFg    color.Color
	StatusBg    color.Color
	StatusWarn  color.Color // on StatusBg
	OnAccent    color.Color // text on an Accent background
	ErrFg       color.Color
	ErrBg       color.Color // also behind an excluding query term
	ChipFg      color.Color
	ChipBg      color.Color
	ChipNegFg   color.Color // on ErrBg
	CursorBg    color.Color
	SelectionFg color.Color
	SelectionBg color.Color
	FlashFg     color.Color
	FlashBg     color.Color
	ToastFg     color.Color
	ToastBg     color.Color
}

func hex(s string) color.Color { return lipgloss.Color(s) }

var dark = Palette{
	Fg:       hex("#E4E4E7"),
	Dim:      hex("#A1A1AA"),
	Faint:    hex("#71717A"),
	HintKey:  hex("#A1A1AA"),
	Accent:   hex("#7DD3FC"),
	Chart:    hex("#38BDF8"),
	Border:   hex("#52525B"),
	Ident:    hex("#93C5FD"),
	Gone:     hex("#FDBA74"),
	Security: hex("#F87171"),
	Notice:   hex("#FCD34D"),
	Warn:     hex("#FCD34D"),
	String:   hex("#BBF7D0"),
	Number:   hex("#FDE68A"),
	Literal:  hex("#C4B5FD"),

	HeaderBg:    hex("#3F3F46"),
	StatusFg:    hex("#D4D4D8"),
	StatusBg:    hex("#27272A"),
	StatusWarn:  hex("#FCD34D"),
	OnAccent:    hex("#18181B"),
	ErrFg:       hex("#FECACA"),
	ErrBg:       hex("#7F1D1D"),
	ChipFg:      hex("#ECFEFF"),
	ChipBg:      hex("#155E75"),
	ChipNegFg:   hex("#FEE2E2"),
	CursorBg:    hex("#1E3A5F"),
	SelectionFg: hex("#F5F3FF"),
	SelectionBg: hex("#4C1D95"),
	FlashFg:     hex("#FFFFFF"),
	FlashBg:     hex("#B91C1C"),
	ToastFg:     hex("#052E16"),
	ToastBg:     hex("#86EFAC"),
}

// On a light background one amber cannot serve everywhere: each of
// Notice, Warn and StatusWarn is darkened as far as its background needs.
var light = Palette{
	Fg:       hex("#18181B"),
	Dim:      hex("#52525B"),
	Faint:    hex("#71717A"),
	HintKey:  hex("#3F3F46"),
	Accent:   hex("#0369A1"),
	Chart:    hex("#0284C7"),
	Border:   hex("#A1A1AA"),
	Ident:    hex("#1D4ED8"),
	Gone:     hex("#C2410C"),
	Security: hex("#B91C1C"),
	Notice:   hex("#A16207"),
	Warn:     hex("#B45309"),
	String:   hex("#15803D"),
	Number:   hex("#A16207"),
	Literal:  hex("#7C3AED"),

	HeaderBg:    hex("#D4D4D8"),
	StatusFg:    hex("#27272A"),
	StatusBg:    hex("#E4E4E7"),
	StatusWarn:  hex("#92400E"),
	OnAccent:    hex("#FFFFFF"),
	ErrFg:       hex("#FFFFFF"),
	ErrBg:       hex("#B91C1C"),
	ChipFg:      hex("#FFFFFF"),
	ChipBg:      hex("#0E7490"),
	ChipNegFg:   hex("#FFFFFF"),
	CursorBg:    hex("#BFDBFE"),
	SelectionFg: hex("#2E1065"),
	SelectionBg: hex("#DDD6FE"),
	FlashFg:     hex("#FFFFFF"),
	FlashBg:     hex("#DC2626"),
	ToastFg:     hex("#FFFFFF"),
	ToastBg:     hex("#15803D"),
}

func base(name string) Theme {
	return Theme{
		Name:         name,
		MarkSecurity: "!",
		MarkIncident: "⚑",
		MarkNotice:   "·",
		MarkCursor:   ">",
		MarkSelected: "▌",
		MarkPseudo:   "⚙",
		MarkGone:     "†",
		MarkPeak:     "▲",
		Ellipsis:     "…",
	}
}

// Dark is for dark terminal backgrounds.
func Dark() Theme { return fromPalette("dark", dark) }

// Light is for light terminal backgrounds.
func Light() Theme { return fromPalette("light", light) }

func fromPalette(name string, p Palette) Theme {
	t := base(name)
	s := lipgloss.NewStyle
	on := func(fg, bg color.Color) lipgloss.Style { return s().Foreground(fg).Background(bg) }

	t.Header = on(p.Fg, p.HeaderBg).Bold(true)
	t.HeaderDim = on(p.Dim, p.HeaderBg)
	t.HeaderSpark = on(p.Accent, p.HeaderBg)
	t.Status = on(p.StatusFg, p.StatusBg)
	t.StatusKey = on(p.OnAccent, p.Accent).Bold(true)
	t.StatusWarn = on(p.StatusWarn, p.StatusBg)
	t.StatusErr = on(p.ErrFg, p.ErrBg).Bold(true)
	t.Chip = on(p.ChipFg, p.ChipBg)
	t.ChipNeg = on(p.ChipNegFg, p.ErrBg).Strikethrough(true)
	t.Hint = s().Foreground(p.Faint)
	t.HintKey = s().Foreground(p.HintKey).Bold(true)

	t.Row = s()
	t.Cursor = s().Background(p.CursorBg).Bold(true)
	t.Selected = on(p.SelectionFg, p.SelectionBg)
	t.Time = s().Foreground(p.Dim)
	t.User = s().Foreground(p.Ident)
	t.UserPseudo = s().Foreground(p.Faint).Italic(true)
	t.UserGone = s().Foreground(p.Gone)
	t.Desc = s().Foreground(p.Fg)
	t.IP = s().Foreground(p.Faint)
	t.Flash = on(p.FlashFg, p.FlashBg).Bold(true)
	t.Security = s().Foreground(p.Security).Bold(true)
	t.Notice = s().Foreground(p.Notice)
	t.Empty = s().Foreground(p.Faint).Italic(true)

	t.Border = s().Foreground(p.Border)
	t.DetailTitle = s().Foreground(p.Accent).Bold(true)
	t.DetailKey = s().Foreground(p.Dim)
	t.DetailValue = s().Foreground(p.Fg)
	t.DetailDim = s().Foreground(p.Faint)
	t.TreeKey = s().Foreground(p.Ident)
	t.TreeString = s().Foreground(p.String)
	t.TreeNumber = s().Foreground(p.Number)
	t.TreeOther = s().Foreground(p.Literal)
	t.Raw = s().Foreground(p.Dim)

	t.HelpBox = s().Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(0, 1)
	t.HelpTitle = s().Foreground(p.Accent).Bold(true)
	t.HelpKey = s().Foreground(p.Fg).Bold(true)
	t.HelpDesc = s().Foreground(p.Dim)

	t.Toast = on(p.ToastFg, p.ToastBg).Bold(true)
	t.BarDone = s().Foreground(p.Accent)
	t.BarTodo = s().Foreground(p.HeaderBg)
	t.DlgLabel = s().Foreground(p.Dim)
	t.DlgValue = s().Foreground(p.Fg)
	t.DlgWarn = s().Foreground(p.Warn).Bold(true)

	t.SumTitle = s().Foreground(p.Accent).Bold(true)
	t.SumSection = s().Foreground(p.Fg).Bold(true)
	t.SumDim = s().Foreground(p.Faint)
	t.SumBar = s().Foreground(p.Chart)
	t.SumWindow = on(p.OnAccent, p.Accent).Bold(true)
	t.Spark = s().Foreground(p.Accent)
	t.SparkPeak = s().Foreground(p.Security).Bold(true)
	return t
}

// NoColor uses no colour at all, only reverse video, bold and underline
// where they carry meaning (https://no-color.org).
func NoColor() Theme {
	t := base("no-color")
	s := lipgloss.NewStyle
	t.Header = s().Reverse(true)
	t.HeaderDim = s().Reverse(true)
	t.Status = s().Reverse(true)
	t.StatusKey = s().Reverse(true).Bold(true)
	t.StatusWarn = s().Reverse(true)
	t.StatusErr = s().Reverse(true).Bold(true)
	// Chips step out of the reversed bar; excluding ones are underlined
	// as well as written with their "-".
	t.Chip = s().Bold(true)
	t.ChipNeg = s().Bold(true).Underline(true)
	t.Hint = s()
	t.HintKey = s().Bold(true)
	t.Cursor = s().Reverse(true)
	t.Security = s().Bold(true)
	t.Flash = s().Bold(true).Underline(true)
	t.Empty = s()
	t.DetailTitle = s().Bold(true)
	t.HelpBox = s().Border(lipgloss.NormalBorder()).Padding(0, 1)
	t.HelpTitle = s().Bold(true)
	t.HelpKey = s().Bold(true)
	// Selected rows are told by their marker column alone: the cursor row
	// stays the only reversed one, and underlining would be drawn cell by
	// cell.
	t.Selected = s()
	t.Toast = s().Reverse(true).Bold(true)
	t.DlgWarn = s().Bold(true)
	// The chosen window is bracketed and the peak has its ▲ below, so
	// bold only adds to what the characters already say.
	t.SumTitle = s().Bold(true)
	t.SumSection = s().Bold(true)
	t.SumWindow = s().Bold(true)
	t.SparkPeak = s().Bold(true)
	t.HeaderSpark = s().Reverse(true)
	return t
}

// Names lists the --theme values.
var Names = []string{"auto", "dark", "light"}

// ByName returns a theme by --theme value; "auto" picks by the detected
// background. NO_COLOR in the environment always wins.
func ByName(name string, darkBackground bool) (Theme, bool) {
	if NoColorRequested() {
		return NoColor(), true
	}
	switch strings.ToLower(name) {
	case "dark":
		return Dark(), true
	case "light":
		return Light(), true
	case "no-color", "nocolor", "none":
		return NoColor(), true
	case "auto", "":
		if darkBackground {
			return Dark(), true
		}
		return Light(), true
	}
	return Theme{}, false
}

// NoColorRequested follows https://no-color.org: set and not empty.
func NoColorRequested() bool { return os.Getenv("NO_COLOR") != "" }
