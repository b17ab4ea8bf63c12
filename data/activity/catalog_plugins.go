package activity

import (
	"strings"
)

// pastTense maps the class-name suffixes of the premium plugins' types to
// the verb used in sentences.
var pastTense = map[string]string{
	"Added": "added", "Archived": "archived", "Deleted": "deleted", "Finished": "finished",
	"Started": "started", "Updated": "updated", "Ended": "ended", "Paused": "paused",
	"Resumed": "resumed", "Resume": "resumed", "Removed": "removed",
}

func severityForVerb(v string) Severity {
	switch v {
	case "Deleted", "Removed":
		return Notice
	}
	return Info
}

// The premium plugins write {site: {site_id, site_name}, version,
// <entity>: {id, name}}; the row is "N;" when the entity id was invalid.
func siteEntity(p params, noun, key string) string {
	if !p.has(key) {
		if p.v.Len() == 0 {
			return article(noun) + " (details not recorded)"
		}
		return article(noun)
	}
	return entityOf(noun, p.get(key))
}

func pluginSpecs() []*Spec {
	var out []*Spec
	add := func(typ, cat, summary string, sev Severity, d func(params) string) *Spec {
		s := &Spec{Type: typ, Category: cat, Summary: summary, Severity: sev, describe: d}
		out = append(out, s)
		return s
	}
	simple := func(plugin, prefix, cat, noun, key string, verbs ...string) {
		for _, v := range verbs {
			vb := pastTense[v]
			prep := "on"
			switch v {
			case "Added":
				prep = "to"
			case "Deleted", "Removed":
				prep = "from"
			}
			add(plugin+"/"+prefix+v, cat, noun+" "+vb, severityForVerb(v), func(p params) string {
				return vb + " " + siteEntity(p, noun, key) + p.onSites(prep)
			})
		}
	}

	simple("AbTesting", "Experiment", "abtesting", "A/B test", "experiment",
		"Added", "Archived", "Deleted", "Finished", "Started", "Updated")
	simple("CustomReports", "Report", "report", "custom report", "report", "Added", "Deleted", "Updated")
	simple("FormAnalytics", "Form", "forms", "form", "form", "Added", "Archived", "Deleted", "Updated")
	simple("Funnels", "Funnel", "funnels", "funnel", "funnel", "Added", "Updated", "Deleted")
	hsrVerbs := []string{"Added", "Deleted", "Ended", "Paused", "Resumed", "Updated"}
	simple("HeatmapSessionRecording", "Heatmap", "heatmaps", "heatmap", "hsr", hsrVerbs...)
	simple("HeatmapSessionRecording", "SessionRecording", "heatmaps", "session recording", "hsr", hsrVerbs...)
	add("HeatmapSessionRecording/HeatmapScreenshotDeleted", "heatmaps", "heatmap screenshot deleted", Notice, func(p params) string {
		return "deleted the screenshot of " + siteEntity(p, "heatmap", "hsr") + p.onSites("on")
	})
	add("HeatmapSessionRecording/RecordedPageviewDeleted", "heatmaps", "recorded page view deleted", Notice, func(p params) string {
		return "deleted a recorded page view of " + siteEntity(p, "session recording", "hsr") + p.onSites("on")
	})
	add("HeatmapSessionRecording/RecordedSessionDeleted", "heatmaps", "recorded session deleted", Notice, func(p params) string {
		return "deleted a recorded session of " + siteEntity(p, "session recording", "hsr") + p.onSites("on")
	})

	add("CrashAnalytics/SetIgnoreCrash", "crash", "crash ignored or un-ignored", Info, func(p params) string {
		c := p.get("crash")
		what := entityOf("crash", c)
		if u := field(c, "resource_uri"); u != "" {
			what += " in " + u
		}
		if p.get("ignore").Truthy() {
			return "ignored " + what + p.onSites("on")
		}
		return "stopped ignoring " + what + p.onSites("on")
	})

	// Tag Manager: containers, and things that live inside a container.
	container := func(p params) string {
		c := p.get("container")
		name, id := field(c, "name"), field(c, "id")
		switch {
		case name != "" && id != "":
			return "container " + quote(name) + " (" + id + ")"
		case name != "":
			return "container " + quote(name)
		case id != "":
			return "container " + id
		}
		return "a container"
	}
	for _, v := range []string{"Added", "Updated", "Deleted"} {
		vb := pastTense[v]
		sev := severityForVerb(v)
		add("TagManager/Container"+v, "tagmanager", "container "+vb, sev, func(p params) string {
			if p.v.Len() == 0 {
				return vb + " a container (details not recorded)"
			}
			return vb + " " + container(p) + p.onSites("on")
		})
	}
	inContainer := func(prefix, noun, key string, verbs ...string) {
		for _, v := range verbs {
			vb := pastTense[v]
			add("TagManager/"+prefix+v, "tagmanager", noun+" "+vb, severityForVerb(v), func(p params) string {
				return vb + " " + siteEntity(p, noun, key) + " in " + container(p) + p.onSites("on")
			})
		}
	}
	inContainer("Tag", "tag", "containertag", "Added", "Updated", "Deleted", "Paused", "Resume")
	inContainer("Trigger", "trigger", "containertrigger", "Added", "Updated", "Deleted")
	inContainer("Variable", "variable", "containervariable", "Added", "Updated", "Deleted")
	add("TagManager/VersionPublished", "tagmanager", "container version published", Notice, func(p params) string {
		d := "published " + siteEntity(p, "version", "containerversion") + " of " + container(p)
		if env := p.text("environment"); env != "" {
			d += " to " + env
		}
		return d + p.onSites("on")
	})
	add("TagManager/VersionDeleted", "tagmanager", "container version deleted", Notice, func(p params) string {
		return "deleted " + siteEntity(p, "version", "containerversion") + " of " + container(p) + p.onSites("on")
	})
	add("TagManager/VersionImported", "tagmanager", "container version imported", Notice, func(p params) string {
		d := "imported a draft version into " + container(p)
		if b := p.text("backupName"); b != "" {
			d += " (previous draft backed up as " + quote(b) + ")"
		}
		return d + p.onSites("on")
	})

	// Referrers manager: custom search engines and social networks. The
	// plugin writes item type "searchengine" even for SocialRemoved, so the
	// first item is read whatever its type.
	refItem := func(p params) string {
		items := p.items()
		if len(items) == 0 {
			return ""
		}
		d, _ := items[0].Get("data")
		name, host := field(d, "name"), field(d, "host")
		if name != "" {
			return quote(name) + paren(host)
		}
		return host
	}
	for _, kind := range []struct{ class, noun string }{{"SearchEngine", "search engine"}, {"Social", "social network"}} {
		for _, v := range []string{"Added", "Removed"} {
			vb := pastTense[v]
			add("ReferrersManager/"+kind.class+v, "settings", "custom "+kind.noun+" "+vb, severityForVerb(v), func(p params) string {
				d := vb + " custom " + kind.noun
				if it := refItem(p); it != "" {
					d += " " + it
				}
				return d
			})
		}
	}

	for _, v := range []string{"Added", "Removed"} {
		vb := pastTense[v]
		add("SearchEngineKeywordsPerformance/Account"+v, "settings", "search keywords account "+vb, Notice, func(p params) string {
			prov := p.text("provider")
			d := vb + " "
			if prov != "" {
				d += prov + " "
			}
			d += "account"
			if acc := p.text("account"); acc != "" {
				d += " " + acc
			}
			return d + " for search keyword import"
		})
	}
	for _, prov := range []string{"Google", "Yandex"} {
		add("SearchEngineKeywordsPerformance/"+prov+"ClientConfigChanged", "settings", prov+" client configuration changed", Notice,
			fixed("changed the "+prov+" API client configuration for search keyword import"))
	}

	client := func(p params) string {
		c := p.get("client")
		name, id := field(c, "name"), field(c, "id")
		switch {
		case name != "" && id != "":
			return "OAuth2 client " + quote(name) + " (" + id + ")"
		case name != "":
			return "OAuth2 client " + quote(name)
		case id != "":
			return "OAuth2 client " + id
		}
		return "an OAuth2 client"
	}
	add("OAuth2/CreateClient", "security", "OAuth2 client created", Security, func(p params) string {
		d := "created " + client(p)
		if t := field(p.get("client"), "type"); t != "" {
			d += ", type " + t
		}
		return d
	})
	add("OAuth2/UpdateClient", "security", "OAuth2 client updated", Notice, func(p params) string {
		return "updated " + client(p)
	})
	add("OAuth2/SetClientActive", "security", "OAuth2 client paused or resumed", Notice, func(p params) string {
		active := p.get("client", "active")
		if a := strings.ToLower(p.text("action")); a != "" && !p.has("client", "active") {
			return a + " " + client(p)
		}
		if active.Truthy() {
			return "resumed " + client(p)
		}
		return "paused " + client(p)
	})
	add("OAuth2/RotateSecret", "security", "OAuth2 client secret rotated", Notice, func(p params) string {
		return "rotated the secret of " + client(p)
	})
	add("OAuth2/DeleteClient", "security", "OAuth2 client deleted", Notice, func(p params) string {
		return "deleted " + client(p)
	})
	add("OAuth2/DeleteClientWithOwner", "security", "OAuth2 client deleted with its owner", Notice, func(p params) string {
		d := "deleted " + client(p) + " together with its owner"
		if u := p.text("userLogin"); u != "" {
			d += " " + u
		}
		return d
	})
	add("OAuth2/AuthorizeClient", "security", "OAuth2 client authorized or denied", Security, func(p params) string {
		who := p.text("userLogin")
		scopes := p.text("scopes")
		if denied(p.text("decision")) {
			d := "denied " + client(p)
			if who != "" {
				d += " access for " + who
			}
			return d
		}
		d := "authorized " + client(p)
		if who != "" {
			d += " for " + who
		}
		if scopes != "" {
			d += " (scopes " + scopes + ")"
		}
		return d
	}).escalates(func(p params) Severity {
		if denied(p.text("decision")) {
			return Notice
		}
		return Security
	})
	return out
}

func denied(decision string) bool {
	switch strings.ToLower(decision) {
	case "denied", "deny", "rejected", "declined":
		return true
	}
	return false
}
