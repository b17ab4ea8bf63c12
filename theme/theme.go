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
	MarkNotice   string
	MarkCursor   string
	MarkSelected string // left of rows in a range selection
	MarkPseudo   string // after a pseudo-user's login
	MarkGone     string // after a login not in <prefix>user
	MarkPeak     string // under the peak of the summary's sparkline
	Ellipsis     string
}

func fg(hex string) color.Color { return lipgloss.Color(hex) }

func base(name string) Theme {
	return Theme{
		Name:         name,
		MarkSecurity: "!",
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
func Dark() Theme {
	t := base("dark")
	s := lipgloss.NewStyle
	t.Header = s().Bold(true).Foreground(fg("#E4E4E7")).Background(fg("#3F3F46"))
	t.HeaderDim = s().Foreground(fg("#A1A1AA")).Background(fg("#3F3F46"))
	t.Status = s().Foreground(fg("#D4D4D8")).Background(fg("#27272A"))
	t.StatusKey = s().Bold(true).Foreground(fg("#18181B")).Background(fg("#7DD3FC"))
	t.StatusWarn = s().Foreground(fg("#FCD34D")).Background(fg("#27272A"))
	t.StatusErr = s().Bold(true).Foreground(fg("#FECACA")).Background(fg("#7F1D1D"))
	t.Chip = s().Foreground(fg("#ECFEFF")).Background(fg("#155E75"))
	t.ChipNeg = s().Foreground(fg("#FEE2E2")).Background(fg("#7F1D1D")).Strikethrough(true)
	t.Hint = s().Foreground(fg("#71717A"))
	t.HintKey = s().Foreground(fg("#A1A1AA")).Bold(true)
	t.Row = s()
	t.Cursor = s().Background(fg("#1E3A5F")).Bold(true)
	t.Time = s().Foreground(fg("#A1A1AA"))
	t.User = s().Foreground(fg("#93C5FD"))
	t.UserPseudo = s().Foreground(fg("#71717A")).Italic(true)
	t.UserGone = s().Foreground(fg("#FDBA74"))
	t.Desc = s().Foreground(fg("#E4E4E7"))
	t.IP = s().Foreground(fg("#71717A"))
	t.Security = s().Foreground(fg("#F87171")).Bold(true)
	t.Flash = s().Foreground(fg("#FFFFFF")).Background(fg("#B91C1C")).Bold(true)
	t.Notice = s().Foreground(fg("#FCD34D"))
	t.Empty = s().Foreground(fg("#71717A")).Italic(true)
	t.Border = s().Foreground(fg("#52525B"))
	t.DetailTitle = s().Bold(true).Foreground(fg("#7DD3FC"))
	t.DetailKey = s().Foreground(fg("#A1A1AA"))
	t.DetailValue = s().Foreground(fg("#E4E4E7"))
	t.DetailDim = s().Foreground(fg("#71717A"))
	t.TreeKey = s().Foreground(fg("#93C5FD"))
	t.TreeString = s().Foreground(fg("#BBF7D0"))
	t.TreeNumber = s().Foreground(fg("#FDE68A"))
	t.TreeOther = s().Foreground(fg("#C4B5FD"))
	t.Raw = s().Foreground(fg("#A1A1AA"))
	t.HelpBox = s().Border(lipgloss.RoundedBorder()).BorderForeground(fg("#7DD3FC")).Padding(0, 1)
	t.HelpTitle = s().Bold(true).Foreground(fg("#7DD3FC"))
	t.HelpKey = s().Bold(true).Foreground(fg("#E4E4E7"))
	t.HelpDesc = s().Foreground(fg("#A1A1AA"))
	t.Selected = s().Foreground(fg("#F5F3FF")).Background(fg("#4C1D95"))
	t.Toast = s().Bold(true).Foreground(fg("#052E16")).Background(fg("#86EFAC"))
	t.BarDone = s().Foreground(fg("#7DD3FC"))
	t.BarTodo = s().Foreground(fg("#3F3F46"))
	t.DlgLabel = s().Foreground(fg("#A1A1AA"))
	t.DlgValue = s().Foreground(fg("#E4E4E7"))
	t.DlgWarn = s().Bold(true).Foreground(fg("#FCD34D"))
	t.SumTitle = s().Bold(true).Foreground(fg("#7DD3FC"))
	t.SumSection = s().Bold(true).Foreground(fg("#E4E4E7"))
	t.SumDim = s().Foreground(fg("#71717A"))
	t.SumBar = s().Foreground(fg("#38BDF8"))
	t.SumWindow = s().Bold(true).Foreground(fg("#18181B")).Background(fg("#7DD3FC"))
	t.Spark = s().Foreground(fg("#7DD3FC"))
	t.SparkPeak = s().Bold(true).Foreground(fg("#F87171"))
	t.HeaderSpark = s().Foreground(fg("#7DD3FC")).Background(fg("#3F3F46"))
	return t
}

// Light is for light terminal backgrounds.
func Light() Theme {
	t := base("light")
	s := lipgloss.NewStyle
	t.Header = s().Bold(true).Foreground(fg("#18181B")).Background(fg("#D4D4D8"))
	t.HeaderDim = s().Foreground(fg("#52525B")).Background(fg("#D4D4D8"))
	t.Status = s().Foreground(fg("#27272A")).Background(fg("#E4E4E7"))
	t.StatusKey = s().Bold(true).Foreground(fg("#FFFFFF")).Background(fg("#0369A1"))
	t.StatusWarn = s().Foreground(fg("#92400E")).Background(fg("#E4E4E7"))
	t.StatusErr = s().Bold(true).Foreground(fg("#FFFFFF")).Background(fg("#B91C1C"))
	t.Chip = s().Foreground(fg("#FFFFFF")).Background(fg("#0E7490"))
	t.ChipNeg = s().Foreground(fg("#FFFFFF")).Background(fg("#B91C1C")).Strikethrough(true)
	t.Hint = s().Foreground(fg("#71717A"))
	t.HintKey = s().Foreground(fg("#3F3F46")).Bold(true)
	t.Row = s()
	t.Cursor = s().Background(fg("#BFDBFE")).Bold(true)
	t.Time = s().Foreground(fg("#52525B"))
	t.User = s().Foreground(fg("#1D4ED8"))
	t.UserPseudo = s().Foreground(fg("#71717A")).Italic(true)
	t.UserGone = s().Foreground(fg("#C2410C"))
	t.Desc = s().Foreground(fg("#18181B"))
	t.IP = s().Foreground(fg("#71717A"))
	t.Security = s().Foreground(fg("#B91C1C")).Bold(true)
	t.Flash = s().Foreground(fg("#FFFFFF")).Background(fg("#DC2626")).Bold(true)
	t.Notice = s().Foreground(fg("#A16207"))
	t.Empty = s().Foreground(fg("#71717A")).Italic(true)
	t.Border = s().Foreground(fg("#A1A1AA"))
	t.DetailTitle = s().Bold(true).Foreground(fg("#0369A1"))
	t.DetailKey = s().Foreground(fg("#52525B"))
	t.DetailValue = s().Foreground(fg("#18181B"))
	t.DetailDim = s().Foreground(fg("#71717A"))
	t.TreeKey = s().Foreground(fg("#1D4ED8"))
	t.TreeString = s().Foreground(fg("#15803D"))
	t.TreeNumber = s().Foreground(fg("#A16207"))
	t.TreeOther = s().Foreground(fg("#7C3AED"))
	t.Raw = s().Foreground(fg("#52525B"))
	t.HelpBox = s().Border(lipgloss.RoundedBorder()).BorderForeground(fg("#0369A1")).Padding(0, 1)
	t.HelpTitle = s().Bold(true).Foreground(fg("#0369A1"))
	t.HelpKey = s().Bold(true).Foreground(fg("#18181B"))
	t.HelpDesc = s().Foreground(fg("#52525B"))
	t.Selected = s().Foreground(fg("#2E1065")).Background(fg("#DDD6FE"))
	t.Toast = s().Bold(true).Foreground(fg("#FFFFFF")).Background(fg("#15803D"))
	t.BarDone = s().Foreground(fg("#0369A1"))
	t.BarTodo = s().Foreground(fg("#D4D4D8"))
	t.DlgLabel = s().Foreground(fg("#52525B"))
	t.DlgValue = s().Foreground(fg("#18181B"))
	t.DlgWarn = s().Bold(true).Foreground(fg("#B45309"))
	t.SumTitle = s().Bold(true).Foreground(fg("#0369A1"))
	t.SumSection = s().Bold(true).Foreground(fg("#18181B"))
	t.SumDim = s().Foreground(fg("#71717A"))
	t.SumBar = s().Foreground(fg("#0284C7"))
	t.SumWindow = s().Bold(true).Foreground(fg("#FFFFFF")).Background(fg("#0369A1"))
	t.Spark = s().Foreground(fg("#0369A1"))
	t.SparkPeak = s().Bold(true).Foreground(fg("#B91C1C"))
	t.HeaderSpark = s().Foreground(fg("#0369A1")).Background(fg("#D4D4D8"))
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
