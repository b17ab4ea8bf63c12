package source

import (
	"context"
	"errors"
	"time"
)

// Privileges is implemented by sources that can read who holds which
// rights in Matomo now: the super users of <prefix>user and the rows of
// <prefix>access, for comparing with the grants the log recorded. It is
// optional, apart from Source, because those tables are Matomo's, not the
// log's, and many accounts may read the log only.
type Privileges interface {
	// Privileges reads them. An account without the grants it needs
	// gets a *SetupError naming each grant to add, in one line.
	Privileges(ctx context.Context) (PrivilegeSet, error)
}

// PrivilegeSet is every right held now that is more than viewing.
type PrivilegeSet struct {
	SuperUsers []SuperUser
	// Access are the rows of <prefix>access other than view, on sites
	// that exist (Matomo's own check joins <prefix>site, so the rows of a
	// deleted site give nothing).
	Access []SiteAccess
	// Truncated: there were more than a source reads at once; the rest
	// were not compared.
	Truncated bool
}

// SuperUser is an account with superuser_access set.
type SuperUser struct {
	Login string
	// Registered is date_registered, zero when it is NULL or unset.
	Registered time.Time
}

// SiteAccess is one row of <prefix>access: a role (write, admin) or a
// capability id (tagmanager_write) of Login on Site.
type SiteAccess struct {
	Login    string
	Site     int64
	SiteName string
	Access   string
	// Registered is the login's date_registered, zero when unknown (NULL,
	// or a row whose login has no account).
	Registered time.Time
}

// MaxPrivileges bounds what a source reads of the privileges: the
// tables are small on every real install, and a bound keeps a strange one
// from filling memory.
const MaxPrivileges = 100_000

// ErrSuperUsersOnly is what a Restricted answers Privileges with unless
// it lets everything through: who holds which right on which site is not
// in any one login's own events, so only a super user may see it.
var ErrSuperUsersOnly = errors.New("who holds which privileges is shown to super users only")

// ErrNoPrivileges: the source cannot read Matomo's privileges at all (it
// does not implement Privileges).
var ErrNoPrivileges = errors.New("this source cannot read Matomo's privileges")

// Privileges implements the optional interface of the same name: the
// wrapped source's answer when r lets everything through and is no shared
// view, otherwise ErrSuperUsersOnly and nothing else. A view shows what
// its owner chose to share, and that is events, not Matomo's accounts.
func (r *Restricted) Privileges(ctx context.Context) (PrivilegeSet, error) {
	sc := r.scope.Load()
	if !sc.All || sc.View {
		return PrivilegeSet{}, ErrSuperUsersOnly
	}
	p, ok := r.src.(Privileges)
	if !ok {
		return PrivilegeSet{}, ErrNoPrivileges
	}
	return p.Privileges(ctx)
}

var _ Privileges = (*Restricted)(nil)

// GrantIndex is implemented by sources that remember, between runs,
// which ids of the log hold grant events, so that privileges without a
// trail need not read the whole table each time. It holds ids and
// hashes only: a row that could explain a privilege held is read again
// by id and judged as it is then, so a grant event deleted or changed
// since is seen as it is now, and a lost or stale index can only make
// the section list more, never trust more.
type GrantIndex interface {
	LoadGrants() (GrantSpan, bool)
	SaveGrants(GrantSpan) error
}

// GrantSpan is what a GrantIndex keeps: every grant event in [From,
// Upto] when that range was read, in id order.
type GrantSpan struct {
	From, Upto uint64
	Grants     []IndexedGrant
}

// IndexedGrant is one grant event: its id, and a hash of each right it
// gave (which login, site and right: the summary's own, never shown).
type IndexedGrant struct {
	ID   uint64   `json:"id"`
	Keys []uint64 `json:"keys,omitempty"`
}

// LoadGrants implements GrantIndex: the wrapped source's index, for a
// super user's session that is no shared view, as Privileges is.
func (r *Restricted) LoadGrants() (GrantSpan, bool) {
	ix, ok := r.src.(GrantIndex)
	if sc := r.scope.Load(); !ok || !sc.All || sc.View {
		return GrantSpan{}, false
	}
	return ix.LoadGrants()
}

// SaveGrants implements GrantIndex. A session that lost its rights (its
// reads narrowed to its own events) writes nothing.
func (r *Restricted) SaveGrants(g GrantSpan) error {
	ix, ok := r.src.(GrantIndex)
	if sc := r.scope.Load(); !ok || !sc.All || sc.View {
		return nil
	}
	return ix.SaveGrants(g)
}

var _ GrantIndex = (*Restricted)(nil)
