package demo

import (
	"context"
	"slices"
	"strings"
	"time"

	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

var _ source.Privileges = (*Source)(nil)

// Access is a row of Matomo's <prefix>access: a role (view, write,
// admin) or a capability id of Login on Site.
type Access struct {
	Login  string
	Site   int64
	Access string
}

// Site is a row of <prefix>site, as far as the demo has one.
type Site struct {
	ID   int64
	Name string
}

// demoAccess is the generated demo's access table. The random grants of
// the log name staff, roles and sites at random, so whether the log
// holds a grant for a row here is up to the seed; every staff account
// was registered before the log began, so a row without one is listed
// apart, as possibly granted before it. ivan.k, who joined during the
// month, is the one drift no seed explains: a super user (see Users)
// whom no event made one.
var demoAccess = []Access{
	{"bob", 1, "admin"}, {"bob", 2, "write"}, {"bob", 4, "view"},
	{"carol", 2, "write"}, {"carol", 4, "view"},
	{"dave.ops", 1, "view"}, {"dave.ops", 1, "tagmanager_write"}, {"dave.ops", 3, "admin"},
	{"erin@example.org", 1, "view"}, {"erin@example.org", 2, "view"},
	{"grace.h", 4, "write"},
	{"heidi", 5, "view"},
	{"judy", 1, "view"},
}

// registered is Users with the generated demo's registration dates: the
// staff and alice well before the log's start, ivan.k a third into it
// (when his invitation was accepted, as the story goes), judy's pending
// invitation two days before its end.
func registered(start time.Time, span time.Duration) []User {
	out := slices.Clone(Users)
	for i := range out {
		u := &out[i]
		switch u.Login {
		case "ivan.k":
			u.Registered = start.Add(span / 3).Truncate(time.Hour).Add(10*time.Hour + 17*time.Minute + 4*time.Second)
		case "judy":
			u.Registered = start.Add(span - 2*24*time.Hour).Truncate(time.Hour).Add(8*time.Hour + 2*time.Minute)
		default:
			u.Registered = start.AddDate(0, 0, -90*(len(out)-i)).Truncate(24 * time.Hour).Add(9 * time.Hour)
		}
	}
	return out
}

// SetAccess gives a source built by FromRows an access table (it has
// none otherwise), for tests that compare it with a database loaded with
// the same rows. Rows for sites the demo does not have are kept and, as
// on a database, give nothing.
func (s *Source) SetAccess(rows ...Access) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access = slices.Clone(rows)
}

// Matomo is the source's Matomo tables as rows, for loading a database
// with the same: the user table (with registration dates), the access
// rows and the sites.
func (s *Source) Matomo() (users []User, access []Access, siteRows []Site) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range sites {
		siteRows = append(siteRows, Site{ID: st.id, Name: st.name})
	}
	return slices.Clone(s.accounts), slices.Clone(s.access), siteRows
}

// Privileges implements source.Privileges as the MySQL source reads
// them: super users, and the access rows but view on sites that exist,
// dated by their login's account (compared as the _ci login column
// does).
func (s *Source) Privileges(ctx context.Context) (source.PrivilegeSet, error) {
	s.mu.Lock()
	accounts, access := s.accounts, s.access
	s.mu.Unlock()
	var set source.PrivilegeSet
	regOf := map[string]time.Time{}
	for _, u := range accounts {
		regOf[query.FoldLogin(u.Login)] = u.Registered
		if u.SuperUser {
			set.SuperUsers = append(set.SuperUsers, source.SuperUser{Login: u.Login, Registered: u.Registered})
		}
	}
	for _, a := range access {
		i := slices.IndexFunc(sites, func(st siteInfo) bool { return st.id == a.Site })
		if i < 0 || strings.EqualFold(strings.TrimSpace(a.Access), "view") || strings.TrimSpace(a.Access) == "" {
			continue
		}
		set.Access = append(set.Access, source.SiteAccess{Login: a.Login, Site: a.Site, SiteName: sites[i].name, Access: a.Access,
			Registered: regOf[query.FoldLogin(a.Login)]})
	}
	return set, ctx.Err()
}
