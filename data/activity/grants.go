package activity

import (
	"strings"

	"matomo-audit/data/phpser"
)

// The types whose events give someone a right: super-user access (when
// has_access is truthy), a role on sites, capabilities on sites.
const (
	TypeSuperUserAccess   = "ActivityLog/UserSetSuperUserAccess"
	TypeSiteAccessChanged = "ActivityLog/UserSiteAccessChanged"
	TypeCapabilitiesAdded = "ActivityLog/UserCapabilitiesAdded"
)

// GrantTypes lists them, for a type: filter that reads only such events.
var GrantTypes = []string{TypeSuperUserAccess, TypeSiteAccessChanged, TypeCapabilitiesAdded}

// AccessSuperUser is Grant.Access for super-user access, which is on no site
// (Site 0): Matomo's roles and capability ids never take this value.
const AccessSuperUser = "superuser"

// Grant is one right an event gave: to Login (the grantee as the event's
// user item names it, not the acting login), on Site, Access being a role
// (view, write, admin), a capability id (tagmanager_write) or AccessSuperUser.
// Access is lower case, as Matomo writes it.
type Grant struct {
	Login  string
	Site   int64
	Access string
}

// Grants lists the rights e gave, one per site and role or capability;
// nil for events of other types, removals (has_access false, access
// noaccess) and parameters too damaged to name the grantee. An event
// naming its sites is read as Matomo wrote it: every measurable item is a
// site the right was given on.
func Grants(e *Event) []Grant {
	switch e.Type {
	case TypeSuperUserAccess, TypeSiteAccessChanged, TypeCapabilitiesAdded:
	default:
		return nil
	}
	if !e.ParamsOK() {
		return nil
	}
	p := params{v: e.Params}
	u, ok := p.item("user")
	if !ok {
		return nil
	}
	login := field(u, "login")
	if login == "" {
		return nil
	}
	if e.Type == TypeSuperUserAccess {
		if !p.get("has_access").Truthy() {
			return nil
		}
		return []Grant{{Login: login, Access: AccessSuperUser}}
	}
	var sites []int64
	p.eachItem("measurable", func(m phpser.Value) bool {
		id, _ := m.Get("id")
		if n, ok := id.Int64(); ok && n > 0 {
			sites = append(sites, n)
		}
		return true
	})
	var rights []string
	if e.Type == TypeSiteAccessChanged {
		if a, ok := p.item("access"); ok {
			switch r := strings.ToLower(strings.TrimSpace(field(a, "access"))); r {
			case "", "noaccess", "none":
			default:
				rights = append(rights, r)
			}
		}
	} else {
		p.eachItem("capability", func(c phpser.Value) bool {
			if id := strings.ToLower(strings.TrimSpace(field(c, "id"))); id != "" {
				rights = append(rights, id)
			}
			return true
		})
	}
	var out []Grant
	for _, s := range sites {
		for _, r := range rights {
			out = append(out, Grant{Login: login, Site: s, Access: r})
		}
	}
	return out
}
