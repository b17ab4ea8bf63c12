package activity

// UserKind says what the acting login is, as far as the tool could tell.
type UserKind uint8

const (
	// UserUnchecked: <prefix>user could not be consulted (no grant, or the
	// lookup has not happened), so nothing is claimed about the login.
	UserUnchecked UserKind = iota
	// UserCurrent: the login exists in <prefix>user.
	UserCurrent
	// UserGone: not in <prefix>user: a deleted account, or for failed
	// sign-ins whatever the visitor typed.
	UserGone
	// UserSystem is Matomo's "Matomo System" pseudo-user (scheduled tasks).
	UserSystem
	// UserConsole is "Console Command" (CLI).
	UserConsole
	// UserAnonymous is "anonymous" (e.g. unsubscribe links, password resets).
	UserAnonymous
	// UserInvited: in <prefix>user, but an invitation not yet accepted
	// (Matomo 5's invite_token is set): nobody has signed in with it.
	UserInvited
)

// The pseudo-user logins Matomo writes.
const (
	LoginSystem    = "Matomo System"
	LoginConsole   = "Console Command"
	LoginAnonymous = "anonymous"
)

// UserInfo is what is known about an event's login.
type UserInfo struct {
	Kind      UserKind
	Email     string
	SuperUser bool
	// Account is the account's login as <prefix>user spells it, when the
	// event's login differs from it in case only (logins compare
	// case-insensitively, as in Matomo's own table).
	Account string
}

// Pseudo reports whether the login is one of Matomo's pseudo-users.
func (k UserKind) Pseudo() bool {
	return k == UserSystem || k == UserConsole || k == UserAnonymous
}

// Mark is the short label shown next to a login, "" for a plain current user.
func (k UserKind) Mark() string {
	switch k {
	case UserSystem:
		return "system"
	case UserConsole:
		return "console"
	case UserAnonymous:
		return "anonymous"
	case UserGone:
		return "not a current user"
	case UserInvited:
		return "invited, not accepted"
	}
	return ""
}

// PseudoUser classifies logins that need no lookup; everything else stays
// UserUnchecked until a source resolves it against <prefix>user.
func PseudoUser(login string) UserInfo {
	switch login {
	case LoginSystem:
		return UserInfo{Kind: UserSystem}
	case LoginConsole:
		return UserInfo{Kind: UserConsole}
	case LoginAnonymous:
		return UserInfo{Kind: UserAnonymous}
	}
	return UserInfo{}
}
