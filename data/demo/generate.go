package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"

	php "matomo-audit/data/phpser"
)

// event is what one generator call produces; login "" means the caller's
// chosen actor.
type event struct {
	login  string
	params php.Value
}

type genFunc func(r *rand.Rand, actor string) event

var (
	goalNames    = []string{"Signup", "Purchase", "Newsletter &quot;weekly&quot;", "Trial started", "Contact form sent"}
	segmentNames = []string{"Returning visitors", "Mobile users", "Visitors from FR", "Paid campaigns"}
	segmentDefs  = []string{"visitorType==returning", "deviceType==smartphone", "countryCode==fr", "referrerType==campaign"}
	reportNames  = []string{"Weekly KPIs", "Daily summary", "Monthly board report"}
	alertNames   = []string{"Traffic drop", "Conversion spike", "Error rate"}
	thirdParty   = []string{"Funnels", "HeatmapSessionRecording", "CustomReports", "AbTesting", "FormAnalytics", "TagManager"}
	corePlugins  = []string{"MultiSites", "CustomDimensions", "Goals", "Live"}
	settingPairs = []struct {
		name string
		v    php.Value
	}{
		{"excluded_ips", php.Map(php.IntPair(0, php.Str("10.0.0.0/8")), php.IntPair(2, php.Str("192.168.1.1")))},
		{"ecommerce", php.Bool(true)},
		{"sitesearch", php.Int(1)},
		{"exclude_unknown_urls", php.Bool(false)},
		{"api_secret", php.Str("******")},
	}
)

func site(r *rand.Rand) siteInfo { return pick(r, sites) }

// generators has one entry per catalog type; a test checks none is missing.
var generators = map[string]genFunc{}

func gen(typ string, f genFunc) { generators[typ] = f }

func init() {
	for _, v := range []string{"Added", "Changed", "Deleted"} {
		gen("ActivityLog/Annotation"+v, func(r *rand.Rand, _ string) event {
			notes := []string{"Tracking outage", "Campaign launch", "Release 4.2", "Server migration"}
			return event{params: php.Map(items(
				item("annotation", php.Map(php.Pair("id", php.Int(r.Int64N(90)+1)), php.Pair("text", php.Str(pick(r, notes))), php.Pair("date", php.Str("2026-11-1"+string(rune('0'+r.IntN(9))))))),
				measurable(site(r))))}
		})
		gen("ActivityLog/CustomAlert"+v, func(r *rand.Rand, _ string) event {
			return event{params: php.Map(items(
				item("customalert", php.Map(php.Pair("id", php.Int(r.Int64N(40)+1)), php.Pair("name", php.Str(pick(r, alertNames))), php.Pair("period", php.Str("day")), php.Pair("report", php.Str("VisitsSummary_get")))),
				measurable(site(r)), measurable(site(r))))}
		})
		gen("ActivityLog/Goal"+v, func(r *rand.Rand, _ string) event {
			n := r.Int64N(30) + 1
			id := php.Int(n)
			if v == "Changed" {
				id = php.Str(strconv.FormatInt(n, 10)) // the plugin sometimes stores ids as strings
			}
			rev := []php.Value{php.Str("12.50"), php.Int(3), php.Int(0), php.Float(9.99)}
			return event{params: php.Map(items(
				item("goal", php.Map(php.Pair("id", id), php.Pair("name", php.Str(pick(r, goalNames))), php.Pair("revenue", pick(r, rev)))),
				measurable(site(r))))}
		})
		gen("ActivityLog/Segment"+v, func(r *rand.Rand, _ string) event {
			i := r.IntN(len(segmentNames))
			seg := item("segment", php.Map(php.Pair("id", php.Int(r.Int64N(200)+1)), php.Pair("name", php.Str(segmentNames[i])), php.Pair("definition", php.Str(segmentDefs[i]))))
			if r.IntN(3) == 0 {
				return event{params: php.Map(items(seg))} // all sites
			}
			return event{params: php.Map(items(seg, measurable(site(r))))}
		})
		gen("ActivityLog/ScheduledReport"+v, scheduledReport)
	}
	gen("ActivityLog/ScheduledReportSent", func(r *rand.Rand, _ string) event {
		e := scheduledReport(r, "")
		e.login = "Matomo System"
		return e
	})
	gen("ActivityLog/ScheduledReportUnsubscribe", func(r *rand.Rand, _ string) event {
		e := scheduledReport(r, "")
		e.params = php.Map(append([]php.Entry{php.Pair("email", php.Str("reader@example.org"))}, e.params.Entries...)...)
		e.login = "anonymous"
		return e
	})
	gen("ActivityLog/ComponentUpdated", func(r *rand.Rand, _ string) event {
		if r.IntN(2) == 0 {
			return event{login: "Console Command", params: php.Map(php.Pair("component", php.Str("core")), php.Pair("version", php.Str("5.6.2")))}
		}
		p := pick(r, thirdParty)
		return event{login: "Matomo System", params: php.Map(php.Pair("component", php.Str(p)), php.Pair("version", php.Str("5.2.1")),
			items(pluginItem(p, php.Pair("version", php.Str("5.2.1")))))}
	})
	crash := func(data php.Value) genFunc {
		return func(*rand.Rand, string) event {
			return event{login: "Matomo System", params: php.Map(items(item("crashanalytics", data)))}
		}
	}
	gen("ActivityLog/CrashAnalyticsTrackingPaused", crash(php.List()))
	gen("ActivityLog/CrashAnalyticsTrackingResumedAfterHitsReset", crash(php.List()))
	gen("ActivityLog/CrashAnalyticsTrackingResumedAfterIncreaseInHitsQuota",
		crash(php.Map(php.Pair("oldValue", php.Int(100000)), php.Pair("newValue", php.Int(250000)))))
	for _, v := range []string{"Added", "Changed"} {
		gen("ActivityLog/CustomDimension"+v, func(r *rand.Rand, _ string) event {
			return event{params: php.Map(items(
				item("customdimension", php.Map(php.Pair("id", php.Int(r.Int64N(9)+1)), php.Pair("name", php.Str(pick(r, []string{"Plan", "Author", "Language"}))), php.Pair("scope", php.Str(pick(r, []string{"visit", "action"}))))),
				measurable(site(r))))}
		})
	}
	gen("ActivityLog/EntityDuplicated", func(r *rand.Rand, _ string) event {
		from, to := site(r), site(r)
		src := measurable(from)
		src.Entries = append(src.Entries, php.Pair("iconName", php.Str("export")))
		dst := measurable(to)
		dst.Entries = append(dst.Entries, php.Pair("iconName", php.Str("download")))
		return event{params: php.Map(
			php.Pair("activityData", php.Map(php.Pair("entityTypeTranslationKey", php.Str("Goals_Goal")), php.Pair("id", php.Int(7)), php.Pair("name", php.Str("Newsletter signup")),
				php.Pair("additionalData", php.Map(php.Pair("newIds", php.List(php.Int(31))))))),
			items(src, dst))}
	})
	for _, v := range []string{"Deleted", "ReImported", "Resumed", "StartNew"} {
		gen("ActivityLog/GoogleAnalyticsImport"+v, func(r *rand.Rand, _ string) event {
			s := site(r)
			return event{params: php.Map(items(pluginItem("GoogleAnalyticsImporter"), item("googleanalyticsimport", php.Map(
				php.Pair("gaImportType", php.Str("ga4")), php.Pair("gaProperty", php.Str("properties/12345")), php.Pair("idSite", php.Int(s.id)),
				php.Pair("status", php.Str(strings.ToLower(v))), php.Pair("importRangeStart", php.Str("2024-01-01")), php.Pair("importRangeEnd", php.Str("")),
				php.Pair("reimportRanges", php.List())))))}
		})
	}
	for _, v := range []string{"Added", "Authorized", "Removed"} {
		gen("ActivityLog/GoogleClientConfiguration"+v, func(*rand.Rand, string) event {
			return event{params: php.Map(items(pluginItem("GoogleAnalyticsImporter"), item("googleclientconfig", php.Map(
				php.Pair("clientId", php.Str("1234-abcd.apps.googleusercontent.com")), php.Pair("projectId", php.Str("matomo-import")),
				php.Pair("redirectUris", php.List(php.Str("https://matomo.example/index.php"))), php.Pair("javascriptOrigins", php.List())))))}
		})
	}
	for _, v := range []string{"Created", "Changed", "Removed"} {
		gen("ActivityLog/Measurable"+v, func(r *rand.Rand, _ string) event {
			return event{params: php.Map(items(measurable(site(r))))}
		})
	}
	gen("ActivityLog/MeasurableSettingsUpdated", func(r *rand.Rand, _ string) event {
		list := []php.Value{measurable(site(r))}
		for _, i := range r.Perm(len(settingPairs))[:1+r.IntN(3)] {
			list = append(list, setting(settingPairs[i].name, settingPairs[i].v))
		}
		return event{params: php.Map(items(list...))}
	})
	for _, v := range []string{"Initiated", "Confirmed", "Cancelled"} {
		gen("ActivityLog/PasswordReset"+v, func(*rand.Rand, string) event { return event{params: php.List()} })
	}
	gen("ActivityLog/PluginActivated", func(r *rand.Rand, _ string) event {
		name := pick(r, append(corePlugins, thirdParty...))
		return event{params: php.Map(items(pluginItem(name, php.Pair("active", php.Bool(true)))))}
	})
	gen("ActivityLog/PluginDeactivated", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(items(pluginItem(pick(r, thirdParty), php.Pair("active", php.Bool(false)))))}
	})
	gen("ActivityLog/PluginActivationRequested", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(items(pluginItem(pick(r, thirdParty), php.Pair("requested", php.Bool(true)))))}
	})
	gen("ActivityLog/PluginInstalled", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(items(pluginItem(pick(r, []string{"LoginLdap", "QueuedTracking", "ServerMonitor"}), php.Pair("installed", php.Bool(true)))))}
	})
	gen("ActivityLog/PluginUninstalled", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(items(pluginItem(pick(r, []string{"OldPlugin", "QueuedTracking"}), php.Pair("installed", php.Bool(false)))))}
	})
	for _, t := range []string{"PrivacyActivatedDoNotTrack", "PrivacyDeactivatedDoNotTrack"} {
		gen("ActivityLog/"+t, func(*rand.Rand, string) event { return event{params: php.List()} })
	}
	gen("ActivityLog/PrivacyAnonymizedSomeRawData", func(*rand.Rand, string) event {
		return event{params: php.Map(items(
			setting("idSites", php.List(php.Int(1), php.Int(2))), setting("date", php.Str("2026-01-01,2026-06-30")),
			setting("anonymizeIp", php.Bool(true)), setting("anonymizeLocation", php.Bool(true)), setting("anonymizeUserId", php.Bool(false)),
			setting("unsetVisitColumns", php.List()), setting("unsetLinkVisitActionColumns", php.List())))}
	})
	for _, t := range []string{"PrivacyDeleteDataSubjects", "PrivacyExportDataSubjects"} {
		gen("ActivityLog/"+t, func(r *rand.Rand, _ string) event {
			return event{params: php.Map(php.Pair("count", php.Int(r.Int64N(150)+1)))}
		})
	}
	gen("ActivityLog/PrivacyFindDataSubjects", func(r *rand.Rand, _ string) event {
		n := php.Int(r.Int64N(9) + 1)
		return event{params: php.Map(php.Pair("count", n), items(pluginItem("PrivacyManager"),
			item("privacyFindDataSubject", php.Map(php.Pair("count", n), php.Pair("idSite", php.Int(site(r).id)), php.Pair("segment", php.Str("userId==u-4471"))))))}
	})
	gen("ActivityLog/PrivacySetAnonymizeIp", func(r *rand.Rand, _ string) event {
		if r.IntN(4) == 0 {
			return event{params: php.Map(php.Pair("enabled", php.Bool(false)))}
		}
		return event{params: php.Map(php.Pair("enabled", php.Bool(true)), items(
			setting("ipAddressMaskLength", php.Int(2)), setting("use_for_visit_enrichment", php.Bool(false)),
			setting("anonymize_user_id", php.Bool(true)), setting("anonymize_order_id", php.Bool(false))))}
	})
	gen("ActivityLog/PrivacySetDeleteLogsSettings", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(php.Pair("enable", php.Bool(true)), items(setting("delete_logs_older_than", php.Int(180))))}
	})
	gen("ActivityLog/PrivacySetDeleteReportsSettings", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(php.Pair("enable", php.Bool(true)), items(setting("delete_reports_older_than", php.Int(24)),
			setting("keep_basic_metrics", php.Bool(true)), setting("keep_data_for_day", php.Bool(false))))}
	})
	gen("ActivityLog/PrivacySetScheduleReportDeletionSettings", func(*rand.Rand, string) event {
		return event{params: php.Map(items(setting("delete_logs_schedule_lowest_interval", php.Int(7))))}
	})
	gen("ActivityLog/ReportsInvalidated", func(r *rand.Rand, _ string) event {
		return event{login: "Console Command", params: php.Map(items(
			item("reportsinvalidated", php.Map(php.Pair("idSites", php.List(php.Int(1), php.Int(2))), php.Pair("dates", php.Str("2026-11-01,2026-11-20")),
				php.Pair("period", php.Str("day")), php.Pair("segment", php.Bool(false)), php.Pair("cascadeDown", php.Bool(true)),
				php.Pair("_forceInvalidateNonexistent", php.Bool(false)))),
			measurable(sites[0]), measurable(sites[1])))}
	})
	settingsOf := func(plugin string, names ...string) php.Value {
		list := []php.Value{pluginItem(plugin)}
		for _, n := range names {
			list = append(list, setting(n, php.Bool(true)))
		}
		return php.Map(items(list...))
	}
	gen("ActivityLog/SystemSettingsUpdated", func(r *rand.Rand, _ string) event {
		return event{params: settingsOf("Login", "enableBruteForceDetection", "blacklistedBruteForceIps")}
	})
	gen("ActivityLog/UserSettingsUpdated", func(r *rand.Rand, _ string) event {
		return event{params: settingsOf("Tour", "disable_tour")}
	})
	gen("ActivityLog/TwoFactorEnabled", func(_ *rand.Rand, actor string) event {
		return event{params: php.Map(php.Pair("login", php.Str(actor)))}
	})
	gen("ActivityLog/TwoFactorDisabled", func(r *rand.Rand, actor string) event {
		target := actor
		if r.IntN(3) == 0 {
			target = pick(r, staff)
		}
		return event{params: php.Map(php.Pair("login", php.Str(target)))}
	})
	for _, v := range []string{"Added", "Removed"} {
		gen("ActivityLog/UserCapabilities"+v, func(r *rand.Rand, _ string) event {
			return event{params: php.Map(items(userItem(pick(r, staff)), measurable(site(r)),
				item("capability", php.Map(php.Pair("id", php.Str("tagmanager_write")), php.Pair("category", php.Str("Tag Manager")),
					php.Pair("name", php.Str("Write")), php.Pair("description", php.Str("Allows to create and edit containers"))))))}
		})
	}
	gen("ActivityLog/UserChanged", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(php.Pair("password_changed", php.Bool(r.IntN(2) == 0)), items(userItem(pick(r, staff))))}
	})
	gen("ActivityLog/UserCountrySetLocationProvider", func(*rand.Rand, string) event {
		return event{params: php.Map(php.Pair("provider_id", php.Str("geoip2php")))}
	})
	gen("ActivityLog/UserCreated", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(items(userItem(pick(r, []string{"grace.h", "heidi", "ivan.k"}))))}
	})
	gen("ActivityLog/UserCreatedAppSpecificTokenAuth", func(r *rand.Rand, actor string) event {
		return event{params: php.Map(php.Pair("description", php.Str(pick(r, []string{"grafana", "CI export", "backup script"}))), items(userItem(actor)))}
	})
	for _, t := range []string{"UserInvited", "UserResendInvite"} {
		gen("ActivityLog/"+t, func(r *rand.Rand, _ string) event {
			return event{params: php.Map(items(userItem(pick(r, []string{"ivan.k", "judy"}))))}
		})
	}
	for _, t := range []string{"UserInviteAccepted", "UserInviteDeclined"} {
		gen("ActivityLog/"+t, func(r *rand.Rand, _ string) event {
			return event{login: "ivan.k", params: php.Map(php.Pair("inviterLogin", php.Str("alice")))}
		})
	}
	gen("ActivityLog/UserRemoved", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(php.Pair("user_login", php.Str("former.employee")))}
	})
	gen("ActivityLog/UserSetPreference", func(_ *rand.Rand, actor string) event {
		return event{params: php.Map(items(userItem(actor), setting("defaultReport", php.Str("MultiSites"))))}
	})
	gen("ActivityLog/UserSetSuperUserAccess", func(r *rand.Rand, _ string) event {
		access := []php.Value{php.Bool(false), php.Str("0")}
		return event{params: php.Map(php.Pair("has_access", pick(r, access)), items(userItem(pick(r, staff))))}
	})
	for _, t := range []string{"UserSignedIn", "UserSignedOff"} {
		gen("ActivityLog/"+t, func(*rand.Rand, string) event { return event{params: php.List()} })
	}
	gen("ActivityLog/UserSignInFailed", func(r *rand.Rand, actor string) event {
		login := actor
		if r.IntN(3) == 0 {
			login = pick(r, []string{"admin", "Alice", "bob ", "root"})
		}
		return event{login: login, params: php.List()}
	})
	gen("ActivityLog/UserSiteAccessChanged", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(items(userItem(pick(r, staff)), measurable(site(r)),
			item("access", php.Map(php.Pair("access", php.Str(pick(r, []string{"view", "view", "write", "admin", "noaccess"})))))))}
	})

	premium := func(plugin, prefix, key string, names []string, verbs ...string) {
		for _, v := range verbs {
			gen(plugin+"/"+prefix+v, func(r *rand.Rand, _ string) event {
				return event{params: onSite(site(r), php.Pair(key, idName(php.Int(r.Int64N(20)+1), pick(r, names))))}
			})
		}
	}
	premium("AbTesting", "Experiment", "experiment", []string{"Checkout button colour", "Pricing headline"}, "Added", "Archived", "Deleted", "Finished", "Started", "Updated")
	premium("CustomReports", "Report", "report", []string{"Revenue by channel", "Top landing pages"}, "Added", "Deleted", "Updated")
	premium("FormAnalytics", "Form", "form", []string{"Contact form", "Checkout form"}, "Added", "Archived", "Deleted", "Updated")
	premium("Funnels", "Funnel", "funnel", []string{"Checkout funnel", "Signup funnel"}, "Added", "Updated", "Deleted")
	hsr := []string{"Added", "Deleted", "Ended", "Paused", "Resumed", "Updated"}
	premium("HeatmapSessionRecording", "Heatmap", "hsr", []string{"Pricing page", "Home page"}, hsr...)
	premium("HeatmapSessionRecording", "SessionRecording", "hsr", []string{"Checkout sessions"}, hsr...)
	premium("HeatmapSessionRecording", "", "hsr", []string{"Pricing page"}, "HeatmapScreenshotDeleted", "RecordedPageviewDeleted", "RecordedSessionDeleted")
	gen("CrashAnalytics/SetIgnoreCrash", func(r *rand.Rand, _ string) event {
		return event{params: onSite(site(r), php.Pair("crash", php.Map(php.Pair("id", php.Int(r.Int64N(90)+1)), php.Pair("name", php.Str("TypeError: x is undefined")),
			php.Pair("resource_uri", php.Str("https://shop.example/app.js")))), php.Pair("ignore", php.Bool(r.IntN(2) == 0)))}
	})
	container := php.Pair("container", idName(php.Str("aBc123Xy"), "Main container"))
	for _, v := range []string{"Added", "Updated", "Deleted"} {
		gen("TagManager/Container"+v, func(r *rand.Rand, _ string) event { return event{params: onSite(site(r), container)} })
	}
	inContainer := func(prefix, key string, names []string, verbs ...string) {
		for _, v := range verbs {
			gen("TagManager/"+prefix+v, func(r *rand.Rand, _ string) event {
				return event{params: onSite(site(r), container, php.Pair(key, idName(php.Int(r.Int64N(90)+1), pick(r, names))))}
			})
		}
	}
	inContainer("Tag", "containertag", []string{"Matomo config tag", "Custom HTML banner"}, "Added", "Updated", "Deleted", "Paused", "Resume")
	inContainer("Trigger", "containertrigger", []string{"All pages", "Form submit"}, "Added", "Updated", "Deleted")
	inContainer("Variable", "containervariable", []string{"Page URL", "Campaign id"}, "Added", "Updated", "Deleted")
	gen("TagManager/VersionPublished", func(r *rand.Rand, _ string) event {
		return event{params: onSite(site(r), container, php.Pair("containerversion", idName(php.Int(12), "v12")), php.Pair("environment", php.Str("live")))}
	})
	gen("TagManager/VersionDeleted", func(r *rand.Rand, _ string) event {
		return event{params: onSite(site(r), container, php.Pair("containerversion", idName(php.Int(9), "v9")))}
	})
	gen("TagManager/VersionImported", func(r *rand.Rand, _ string) event {
		return event{params: onSite(site(r), container, php.Pair("backupName", php.Str("before import")))}
	})
	for _, k := range []struct{ class, item, name, host string }{
		{"SearchEngine", "searchengine", "Ecosia", "ecosia.org"}, {"Social", "social", "Mastodon", "mastodon.social"},
	} {
		for _, v := range []string{"Added", "Removed"} {
			typ := k.item
			if k.class == "Social" && v == "Removed" {
				typ = "searchengine" // as the plugin writes it
			}
			gen("ReferrersManager/"+k.class+v, func(*rand.Rand, string) event {
				return event{params: php.Map(items(item(typ, php.Map(php.Pair("name", php.Str(k.name)), php.Pair("host", php.Str(k.host))))))}
			})
		}
	}
	for _, v := range []string{"Added", "Removed"} {
		gen("SearchEngineKeywordsPerformance/Account"+v, func(r *rand.Rand, _ string) event {
			return event{params: php.Map(php.Pair("provider", php.Str(pick(r, []string{"Bing", "Google"}))), php.Pair("account", php.Str("ABCDE*****VWXYZ")))}
		})
	}
	for _, p := range []string{"Google", "Yandex"} {
		gen("SearchEngineKeywordsPerformance/"+p+"ClientConfigChanged", func(*rand.Rand, string) event { return event{params: php.List()} })
	}
	client := func(active bool) php.Entry {
		return php.Pair("client", php.Map(php.Pair("id", php.Str("cli_7")), php.Pair("name", php.Str("Looker")), php.Pair("type", php.Str("confidential")), php.Pair("active", php.Bool(active))))
	}
	for _, t := range []string{"CreateClient", "UpdateClient", "RotateSecret", "DeleteClient"} {
		gen("OAuth2/"+t, func(*rand.Rand, string) event {
			return event{params: php.Map(php.Pair("version", php.Str("v1")), client(true), php.Pair("action", php.Str(strings.ToLower(t))))}
		})
	}
	gen("OAuth2/SetClientActive", func(r *rand.Rand, _ string) event {
		return event{params: php.Map(php.Pair("version", php.Str("v1")), client(r.IntN(2) == 0), php.Pair("action", php.Str("setactive")))}
	})
	gen("OAuth2/DeleteClientWithOwner", func(*rand.Rand, string) event {
		return event{params: php.Map(php.Pair("version", php.Str("v1")), client(true), php.Pair("userLogin", php.Str("former.employee")))}
	})
	gen("OAuth2/AuthorizeClient", func(r *rand.Rand, actor string) event {
		return event{params: php.Map(php.Pair("version", php.Str("v1")), client(true), php.Pair("userLogin", php.Str(actor)),
			php.Pair("scopes", php.List(php.Str("matomo:read"))), php.Pair("decision", php.Str(pick(r, []string{"allowed", "allowed", "denied"}))))}
	})
}

func scheduledReport(r *rand.Rand, _ string) event {
	return event{params: php.Map(items(
		item("scheduledreport", php.Map(php.Pair("id", php.Int(r.Int64N(40)+1)), php.Pair("description", php.Str(pick(r, reportNames))),
			php.Pair("period", php.Str(pick(r, []string{"day", "week", "month"}))), php.Pair("hour", php.Int(r.Int64N(24))),
			php.Pair("type", php.Str("email")), php.Pair("format", php.Str(pick(r, []string{"pdf", "html", "csv"}))))),
		measurable(site(r))))}
}
