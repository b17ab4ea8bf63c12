package activity

import (
	"fmt"
	"strconv"
	"strings"

	"matomo-audit/data/phpser"
)

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// corePlugins ship with Matomo. Activating one of them is routine;
// activating anything else brings new code into the installation, which is
// what an auditor wants flagged.
var corePlugins = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`API Actions Annotations BulkTracking Contents CoreAdminHome
		CoreConsole CoreHome CorePluginsAdmin CoreUpdater CoreVisualizations CoreVue CustomDimensions
		CustomJsTracker Dashboard DBStats DevicePlugins DevicesDetection Diagnostics Ecommerce Events
		FeatureFlags Feedback GeoIp2 Goals Heartbeat ImageGraph Insights Installation Intl
		IntranetMeasurable JsTrackerInstallCheck LanguagesManager Live Login Marketplace MobileMessaging
		Monolog Morpheus MultiSites Overlay PagePerformance PrivacyManager ProfessionalServices Proxy
		Referrers Resolution RssWidget ScheduledReports SegmentEditor SEO SitesManager Tour Transitions
		TwoFactorAuth UserCountry UserCountryMap UserId UserLanguage UsersManager VisitFrequency
		VisitorInterest VisitsSummary VisitTime WebsiteMeasurable Widgetize`) {
		corePlugins[n] = true
	}
}

// IsCorePlugin reports whether Matomo ships the named plugin.
func IsCorePlugin(name string) bool { return corePlugins[name] }

func fixed(s string) func(params) string { return func(params) string { return s } }

func coreSpecs() []*Spec {
	var out []*Spec
	add := func(class, cat, summary string, sev Severity, d func(params) string) *Spec {
		s := &Spec{Type: "ActivityLog/" + class, Category: cat, Summary: summary, Severity: sev, describe: d}
		out = append(out, s)
		return s
	}
	verb := map[string]string{"Added": "added", "Changed": "changed", "Deleted": "deleted", "Created": "created", "Removed": "removed", "Updated": "updated"}

	// Annotations
	for _, v := range []string{"Added", "Changed", "Deleted"} {
		vb := verb[v]
		prep := "on"
		if v == "Deleted" {
			prep = "from"
		}
		sev := Info
		if v == "Deleted" {
			sev = Notice
		}
		add("Annotation"+v, "annotation", "annotation "+vb, sev, func(p params) string {
			a, _ := p.item("annotation")
			return vb + " " + entity("annotation", field(a, "text"), field(a, "id"), prefixed("for ", field(a, "date"))) + p.onSites(prep)
		})
	}

	add("ComponentUpdated", "plugin", "component updated", Notice, func(p params) string {
		comp, ver := p.text("component"), p.text("version")
		if comp == "" {
			comp = p.pluginName()
		}
		to := ""
		if ver != "" {
			to = " to " + ver
		}
		if strings.EqualFold(comp, "core") {
			return "updated Matomo core" + to
		}
		if comp == "" {
			return "updated a component" + to
		}
		return "updated plugin " + comp + to
	})

	// Crash analytics quota
	add("CrashAnalyticsTrackingPaused", "crash", "crash tracking paused", Notice,
		fixed("paused crash tracking: the hits quota was reached"))
	add("CrashAnalyticsTrackingResumedAfterHitsReset", "crash", "crash tracking resumed", Info,
		fixed("resumed crash tracking after the hits quota was reset"))
	add("CrashAnalyticsTrackingResumedAfterIncreaseInHitsQuota", "crash", "crash tracking resumed", Info, func(p params) string {
		c, _ := p.item("crashanalytics")
		from, to := field(c, "oldValue"), field(c, "newValue")
		if from != "" || to != "" {
			return "resumed crash tracking: hits quota raised from " + orUnknown(from) + " to " + orUnknown(to)
		}
		return "resumed crash tracking after the hits quota was raised"
	})

	for _, v := range []string{"Added", "Changed", "Deleted"} {
		vb := verb[v]
		sev := Info
		if v == "Deleted" {
			sev = Notice
		}
		add("CustomAlert"+v, "report", "custom alert "+vb, sev, func(p params) string {
			a, _ := p.item("customalert")
			return vb + " " + entityOf("custom alert", a, field(a, "period"), prefixed("report ", field(a, "report"))) + p.onSites("for")
		})
	}
	add("CustomDimensionAdded", "site", "custom dimension added", Info, func(p params) string {
		c, _ := p.item("customdimension")
		return "added " + entityOf("custom dimension", c, prefixed("scope ", field(c, "scope"))) + p.onSites("to")
	})
	add("CustomDimensionChanged", "site", "custom dimension changed", Info, func(p params) string {
		c, _ := p.item("customdimension")
		return "reconfigured " + entityOf("custom dimension", c, prefixed("scope ", field(c, "scope"))) + p.onSites("on")
	})

	add("EntityDuplicated", "site", "entity copied to other sites", Info, describeDuplicated)

	for _, v := range []string{"Added", "Changed", "Deleted"} {
		vb := verb[v]
		prep := map[string]string{"Added": "to", "Changed": "on", "Deleted": "from"}[v]
		sev := Info
		if v == "Deleted" {
			sev = Notice
		}
		add("Goal"+v, "goal", "goal "+vb, sev, func(p params) string {
			g, _ := p.item("goal")
			rev := field(g, "revenue")
			if isZero(rev) {
				rev = ""
			}
			return vb + " " + entity("goal", pctDecode(field(g, "name")), field(g, "id"), prefixed("revenue ", rev)) + p.onSites(prep)
		})
	}

	gaVerb := map[string]string{
		"Deleted":    "deleted the Google Analytics import",
		"ReImported": "scheduled a re-import of Google Analytics data",
		"Resumed":    "resumed the Google Analytics import",
		"StartNew":   "started a Google Analytics import",
	}
	for _, v := range []string{"Deleted", "ReImported", "Resumed", "StartNew"} {
		phrase := gaVerb[v]
		sev := Info
		if v == "Deleted" {
			sev = Notice
		}
		add("GoogleAnalyticsImport"+v, "import", strings.TrimPrefix(strings.TrimPrefix(phrase, "started a "), "the "), sev, func(p params) string {
			g, _ := p.item("googleanalyticsimport")
			d := phrase
			if prop := firstNonEmpty(field(g, "gaProperty"), field(g, "gaAccount")); prop != "" {
				d += " of " + prop
			}
			if id := field(g, "idSite"); id != "" {
				d += " into site " + id
			}
			var extra []string
			if start, end := field(g, "importRangeStart"), field(g, "importRangeEnd"); start != "" || end != "" {
				switch {
				case end == "":
					extra = append(extra, "from "+start)
				case start == "":
					extra = append(extra, "until "+end)
				default:
					extra = append(extra, start+" to "+end)
				}
			}
			if r := field(g, "reimportRanges"); r != "" {
				extra = append(extra, "ranges "+r)
			}
			if st := field(g, "status"); st != "" {
				extra = append(extra, "status "+st)
			}
			return d + paren(strings.Join(extra, ", "))
		})
	}
	gcVerb := map[string]string{"Added": "added", "Authorized": "authorized", "Removed": "removed"}
	for _, v := range []string{"Added", "Authorized", "Removed"} {
		vb := gcVerb[v]
		add("GoogleClientConfiguration"+v, "settings", "Google client configuration "+vb, Notice, func(p params) string {
			c, _ := p.item("googleclientconfig")
			return vb + " the Google API client configuration" + paren(listPhrase(
				prefixed("client ", field(c, "clientId")), prefixed("project ", field(c, "projectId"))))
		})
	}

	for _, v := range []string{"Created", "Changed", "Removed"} {
		vb := verb[v]
		sev := Info
		if v == "Removed" {
			sev = Notice
		}
		add("Measurable"+v, "site", "site "+vb, sev, func(p params) string {
			list := p.sites()
			if len(list) == 0 {
				return vb + " a site"
			}
			d := vb + " " + sitePhrase(list)
			if m, ok := p.item("measurable"); ok && len(list) == 1 {
				if u := firstURL(m); u != "" {
					d += ", " + u
				}
			}
			return d
		})
	}
	add("MeasurableSettingsUpdated", "settings", "site settings changed", Notice, func(p params) string {
		d := "changed settings"
		if s := p.sites(); len(s) > 0 {
			d += " of " + sitePhrase(s)
		}
		if n := p.settingNames(); n != "" {
			d += ": " + n
		}
		return d
	})

	pw := map[string]string{
		"Initiated": "requested a password reset",
		"Confirmed": "confirmed a password reset and set a new password",
		"Cancelled": "cancelled a password reset",
	}
	for _, v := range []string{"Initiated", "Confirmed", "Cancelled"} {
		add("PasswordReset"+v, "security", "password reset "+strings.ToLower(v), Security, fixed(pw[v]))
	}

	add("PluginActivated", "plugin", "plugin activated", Security, func(p params) string {
		return "activated " + pluginPhrase(p)
	}).escalates(func(p params) Severity {
		if IsCorePlugin(p.pluginName()) {
			return Notice
		}
		return Security
	})
	add("PluginDeactivated", "plugin", "plugin deactivated", Notice, func(p params) string {
		return "deactivated " + pluginPhrase(p)
	})
	add("PluginActivationRequested", "plugin", "plugin activation requested", Notice, func(p params) string {
		return "requested activation of " + pluginPhrase(p)
	})
	add("PluginInstalled", "plugin", "plugin installed", Security, func(p params) string {
		return "installed " + pluginPhrase(p)
	})
	add("PluginUninstalled", "plugin", "plugin uninstalled", Security, func(p params) string {
		return "uninstalled " + pluginPhrase(p)
	})

	add("PrivacyActivatedDoNotTrack", "privacy", "Do-Not-Track support on", Notice,
		fixed("turned on Do-Not-Track support (visitors asking not to be tracked are ignored)"))
	add("PrivacyDeactivatedDoNotTrack", "privacy", "Do-Not-Track support off", Security,
		fixed("turned off Do-Not-Track support (visitors asking not to be tracked are tracked)"))
	add("PrivacyAnonymizedSomeRawData", "privacy", "raw data anonymised", Notice, describeAnonymizedRawData)
	add("PrivacyDeleteDataSubjects", "privacy", "GDPR data deleted", Notice, func(p params) string {
		return "deleted " + countPhrase(p.text("count"), "visit") + " of data subjects with the GDPR tools"
	})
	add("PrivacyExportDataSubjects", "privacy", "GDPR data exported", Notice, func(p params) string {
		return "exported " + countPhrase(p.text("count"), "visit") + " of data subjects with the GDPR tools"
	})
	add("PrivacyFindDataSubjects", "privacy", "GDPR data searched", Info, func(p params) string {
		f, _ := p.item("privacyFindDataSubject")
		count := firstNonEmpty(p.text("count"), field(f, "count"))
		d := "searched for data subjects with the GDPR tools"
		if id := field(f, "idSite"); id != "" {
			d += " on site " + id
		}
		if seg := field(f, "segment"); seg != "" {
			d += " matching " + quote(seg)
		}
		if count != "" {
			d += ": " + countPhrase(count, "visit") + " found"
		}
		return d
	})
	add("PrivacySetAnonymizeIp", "privacy", "IP anonymisation changed", Notice, func(p params) string {
		if !p.get("enabled").Truthy() {
			return "disabled IP address anonymisation"
		}
		d := "enabled IP address anonymisation"
		if s := p.settingValues(); s != "" {
			d += ": " + s
		}
		return d
	}).escalates(func(p params) Severity { return offIsSecurity(p.get("enabled")) })
	add("PrivacySetDeleteLogsSettings", "privacy", "raw log deletion changed", Notice, func(p params) string {
		if !p.get("enable").Truthy() {
			return "turned off automatic deletion of old raw logs"
		}
		if v, ok := p.setting("delete_logs_older_than"); ok {
			if s, _ := v.Scalar(); s != "" {
				return "turned on automatic deletion of raw logs older than " + s + " days"
			}
		}
		return "turned on automatic deletion of old raw logs"
	}).escalates(func(p params) Severity { return offIsSecurity(p.get("enable")) })
	add("PrivacySetDeleteReportsSettings", "privacy", "report deletion changed", Notice, func(p params) string {
		if !p.get("enable").Truthy() {
			return "turned off automatic deletion of old reports"
		}
		d := "turned on automatic deletion of old reports"
		if v, ok := p.setting("delete_reports_older_than"); ok {
			if s, _ := v.Scalar(); s != "" {
				d = "turned on automatic deletion of reports older than " + s + " months"
			}
		}
		var keep []string
		for _, s := range p.itemsOf("setting") {
			n := field(s, "name")
			if v, _ := s.Get("value"); strings.HasPrefix(n, "keep_") && v.Truthy() {
				keep = append(keep, strings.TrimPrefix(n, "keep_"))
			}
		}
		if len(keep) > 0 {
			d += ", keeping " + strings.Join(keep, ", ")
		}
		return d
	}).escalates(func(p params) Severity { return offIsSecurity(p.get("enable")) })
	add("PrivacySetScheduleReportDeletionSettings", "privacy", "data deletion schedule changed", Notice, func(p params) string {
		if v, ok := p.setting("delete_logs_schedule_lowest_interval"); ok {
			if s, _ := v.Scalar(); s != "" {
				return "set old-data deletion to run every " + s + " days"
			}
		}
		return "changed the old-data deletion schedule"
	})

	add("ReportsInvalidated", "report", "reports invalidated", Info, func(p params) string {
		r, _ := p.item("reportsinvalidated")
		d := "invalidated"
		if per := field(r, "period"); per != "" {
			d += " " + per
		}
		d += " reports"
		if pl := field(r, "plugin"); pl != "" {
			d += " of plugin " + pl
		}
		if dates := field(r, "dates"); dates != "" {
			d += " for " + dates
		}
		if s := p.sites(); len(s) > 0 {
			d += " on " + sitePhrase(s)
		} else if ids := field(r, "idSites"); ids != "" {
			d += " on sites " + ids
		}
		if seg, _ := r.Get("segment"); seg.Truthy() {
			d += " for segment " + quote(text(seg))
		}
		return d
	})

	for _, v := range []string{"Added", "Changed", "Deleted"} {
		vb := verb[v]
		sev := Info
		if v == "Deleted" {
			sev = Notice
		}
		add("ScheduledReport"+v, "report", "scheduled report "+vb, sev, func(p params) string {
			r, _ := p.item("scheduledreport")
			return vb + " " + reportPhrase(r, true) + p.onSites("for")
		})
	}
	add("ScheduledReportSent", "report", "scheduled report sent", Info, func(p params) string {
		r, _ := p.item("scheduledreport")
		return "sent " + reportPhrase(r, false) + p.onSites("for")
	})
	add("ScheduledReportUnsubscribe", "report", "unsubscribed from a report", Info, func(p params) string {
		r, _ := p.item("scheduledreport")
		who := p.text("email")
		if who == "" {
			who = "someone"
		}
		return "unsubscribed " + who + " from " + reportPhrase(r, false) + p.onSites("of")
	})

	for _, v := range []string{"Added", "Changed", "Deleted"} {
		vb := verb[v]
		if v == "Changed" {
			vb = "updated"
		}
		sev := Info
		if v == "Deleted" {
			sev = Notice
		}
		add("Segment"+v, "segment", "segment "+vb, sev, func(p params) string {
			s, _ := p.item("segment")
			d := vb + " " + entityOf("segment", s)
			if on := p.onSites("on"); on != "" {
				return d + on
			}
			return d + " for all sites"
		})
	}

	add("SystemSettingsUpdated", "settings", "system settings changed", Security, func(p params) string {
		d := "changed system settings"
		if pl := p.pluginName(); pl != "" {
			d += " of plugin " + pl
		}
		if n := p.settingNames(); n != "" {
			d += ": " + n
		}
		return d
	})
	add("UserSettingsUpdated", "settings", "personal settings changed", Info, func(p params) string {
		d := "changed personal settings"
		if pl := p.pluginName(); pl != "" {
			d += " of plugin " + pl
		}
		if n := p.settingNames(); n != "" {
			d += ": " + n
		}
		return d
	})

	twoFA := func(did string) func(params) string {
		return func(p params) string {
			d := did + " two-factor authentication"
			if l := p.text("login"); l != "" && l != p.login {
				d += " for user " + l
			}
			return d
		}
	}
	add("TwoFactorEnabled", "security", "two-factor authentication set up", Notice, twoFA("set up")).Aliases = []string{"TwoFactorAuth/TwoFactorEnabled"}
	add("TwoFactorDisabled", "security", "two-factor authentication disabled", Security, twoFA("disabled")).Aliases = []string{"TwoFactorAuth/TwoFactorDisabled"}

	capability := func(did, prep string) func(params) string {
		return func(p params) string {
			caps := p.itemsOf("capability")
			var names []string
			for _, c := range caps {
				n, id := field(c, "name"), field(c, "id")
				switch {
				case n != "" && id != "":
					names = append(names, quote(n)+" ("+id+")")
				case n != "":
					names = append(names, quote(n))
				case id != "":
					names = append(names, id)
				}
			}
			noun := "capability"
			if len(names) != 1 {
				noun = "capabilities"
			}
			d := did + " " + noun
			if len(names) > 0 {
				d += " " + strings.Join(names, ", ")
			}
			if u, ok := p.subjectUser(); ok {
				d += " " + prep + " " + u
			}
			return d + p.onSites("on")
		}
	}
	add("UserCapabilitiesAdded", "user", "capabilities granted", Security, capability("granted", "to"))
	add("UserCapabilitiesRemoved", "user", "capabilities removed", Notice, capability("removed", "from"))

	add("UserChanged", "user", "user changed", Notice, func(p params) string {
		u, _ := p.subjectUser()
		if u == "" {
			u = "a user"
		}
		d := "changed user " + u
		if p.get("password_changed").Truthy() {
			d += " and set a new password"
		}
		return d
	})
	add("UserCountrySetLocationProvider", "settings", "geolocation provider changed", Notice, func(p params) string {
		if id := p.text("provider_id"); id != "" {
			return "set the geolocation provider to " + id
		}
		return "changed the geolocation provider"
	})
	add("UserCreated", "user", "user created", Security, func(p params) string {
		u, _ := p.subjectUser()
		return "created user " + orText(u, "(login not recorded)")
	})
	add("UserCreatedAppSpecificTokenAuth", "security", "auth token created", Security, func(p params) string {
		d := "created an auth token"
		if desc := p.text("description"); desc != "" {
			d += " " + quote(desc)
		}
		if u, ok := p.subjectUser(); ok {
			d += " for " + u
		}
		return d
	})
	add("UserInvited", "user", "user invited", Notice, func(p params) string {
		u, _ := p.subjectUser()
		return "invited user " + orText(u, "(login not recorded)")
	})
	add("UserResendInvite", "user", "invitation re-sent", Info, func(p params) string {
		u, _ := p.subjectUser()
		return "re-sent the invitation to " + orText(u, "a user")
	})
	add("UserInviteAccepted", "user", "invitation accepted", Notice, func(p params) string {
		return "accepted the invitation" + prefixed(" from ", p.text("inviterLogin"))
	})
	add("UserInviteDeclined", "user", "invitation declined", Info, func(p params) string {
		return "declined the invitation" + prefixed(" from ", p.text("inviterLogin"))
	})
	add("UserRemoved", "user", "user removed", Security, func(p params) string {
		return "removed user " + orText(p.text("user_login"), "(login not recorded)")
	})
	add("UserSetPreference", "user", "user preference set", Info, func(p params) string {
		d := "set preference"
		if set := p.itemsOf("setting"); len(set) > 0 {
			n := field(set[0], "name")
			v, _ := set[0].Get("value")
			d += " " + orText(n, "(unnamed)")
			if s, ok := v.Scalar(); ok {
				d += " to " + quote(s)
			}
		}
		if u, ok := p.subjectUser(); ok {
			d += " of " + u
		}
		return d
	})
	add("UserSetSuperUserAccess", "user", "super user access changed", Security, func(p params) string {
		u, _ := p.subjectUser()
		u = orText(u, "a user")
		if p.get("has_access").Truthy() {
			return "granted super user access to " + u
		}
		return "removed super user access from " + u
	})
	add("UserSignedIn", "login", "signed in", Info, fixed("signed in"))
	add("UserSignedOff", "login", "signed out", Info, fixed("signed out"))
	add("UserSignInFailed", "login", "failed sign-in", Security, fixed("failed to sign in"))
	add("UserSiteAccessChanged", "user", "site access changed", Notice, func(p params) string {
		u, _ := p.subjectUser()
		u = orText(u, "a user")
		acc := ""
		if a, ok := p.item("access"); ok {
			acc = field(a, "access")
		}
		on := p.onSites("on")
		switch strings.ToLower(acc) {
		case "":
			return "changed the site access of " + u + on
		case "noaccess", "none":
			return "removed all access of " + u + on
		}
		return "gave " + u + " " + acc + " access" + on
	}).escalates(func(p params) Severity {
		if a, ok := p.item("access"); ok {
			switch strings.ToLower(field(a, "access")) {
			case "admin", "write":
				return Security
			}
		}
		return Notice
	})
	return out
}

func offIsSecurity(enabled phpser.Value) Severity {
	if enabled.Truthy() {
		return Notice
	}
	return Security
}

func pluginPhrase(p params) string {
	if n := p.pluginName(); n != "" {
		return "plugin " + n
	}
	return "a plugin"
}

func reportPhrase(r phpser.Value, detail bool) string {
	name, id := field(r, "description"), field(r, "id")
	if !detail {
		return entity("scheduled report", name, id)
	}
	var how []string
	if per := field(r, "period"); per != "" {
		how = append(how, periodly(per))
	}
	if f := field(r, "format"); f != "" {
		how = append(how, f)
	}
	if t := field(r, "type"); t != "" {
		how = append(how, "by "+t)
	}
	if h := field(r, "hour"); h != "" {
		if n, err := strconv.Atoi(h); err == nil && n >= 0 && n < 24 {
			h = fmt.Sprintf("%02d:00", n)
		}
		how = append(how, "at "+h)
	}
	return entity("scheduled report", name, id, strings.Join(how, " "))
}

func periodly(p string) string {
	switch p {
	case "day":
		return "daily"
	case "week":
		return "weekly"
	case "month":
		return "monthly"
	case "year":
		return "yearly"
	}
	return p
}

func describeDuplicated(p params) string {
	a := p.get("activityData")
	noun := entityNoun(text(mustGet(a, "entityTypeTranslationKey")))
	d := "copied " + entity(noun, field(a, "name"), field(a, "id"))
	var from, to []site
	seen := map[string]bool{}
	for _, it := range p.items() {
		if t, _ := it.Get("type"); text(t) != "measurable" {
			continue
		}
		data, _ := it.Get("data")
		s := site{id: field(data, "id"), name: field(data, "name")}
		icon, _ := it.Get("iconName")
		if text(icon) == "export" {
			from = append(from, s)
			continue
		}
		if k := s.id + "\x00" + s.name; !seen[k] {
			seen[k] = true
			to = append(to, s)
		}
	}
	if len(from) > 0 {
		d += " from " + sitePhrase(from)
	}
	if len(to) > 0 {
		d += " to " + sitePhrase(to)
	}
	return d
}

func mustGet(v phpser.Value, k string) phpser.Value {
	r, _ := v.Get(k)
	return r
}

// entityNoun turns a translation key such as "Goals_Goal" or
// "CustomReports_CustomReport" into a readable noun.
func entityNoun(key string) string {
	known := map[string]string{
		"Goals_Goal":                               "goal",
		"CustomReports_CustomReport":               "custom report",
		"Funnels_Funnel":                           "funnel",
		"HeatmapSessionRecording_Heatmap":          "heatmap",
		"HeatmapSessionRecording_SessionRecording": "session recording",
		"FormAnalytics_Form":                       "form",
		"AbTesting_Experiment":                     "A/B test",
		"SegmentEditor_Segment":                    "segment",
		"CustomAlerts_Alert":                       "custom alert",
		"CustomDimensions_CustomDimension":         "custom dimension",
		"TagManager_Container":                     "container",
	}
	if n, ok := known[key]; ok {
		return n
	}
	if _, after, ok := strings.Cut(key, "_"); ok && after != "" {
		return splitCamel(after)
	}
	if key == "" {
		return "item"
	}
	return splitCamel(key)
}

// splitCamel lowers "CustomReport" to "custom report".
func splitCamel(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r + ('a' - 'A'))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func describeAnonymizedRawData(p params) string {
	get := func(n string) phpser.Value { v, _ := p.setting(n); return v }
	var what []string
	if get("anonymizeIp").Truthy() {
		what = append(what, "IP addresses")
	}
	if get("anonymizeLocation").Truthy() {
		what = append(what, "locations")
	}
	if get("anonymizeUserId").Truthy() {
		what = append(what, "user IDs")
	}
	if c := text(get("unsetVisitColumns")); c != "" {
		what = append(what, "visit columns "+c)
	}
	if c := text(get("unsetLinkVisitActionColumns")); c != "" {
		what = append(what, "action columns "+c)
	}
	d := "anonymised previously tracked raw data"
	if ids := text(get("idSites")); ids != "" {
		d += " of sites " + ids
	}
	if date := text(get("date")); date != "" {
		d += " for " + date
	}
	if len(what) > 0 {
		d += ": " + strings.Join(what, ", ")
	}
	return d
}

func countPhrase(n, noun string) string {
	if n == "" {
		return "some " + noun + "s"
	}
	if n == "1" {
		return "1 " + noun
	}
	return n + " " + noun + "s"
}

func firstURL(m phpser.Value) string {
	u, _ := m.Get("urls")
	for _, e := range u.Entries {
		if s := text(e.Value); s != "" {
			return s
		}
	}
	return ""
}

func isZero(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f == 0
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func orText(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func orUnknown(s string) string { return orText(s, "?") }
