package dbtest

import "strings"

// The statements mirror the ActivityLog plugin's table (shared/matomo-activity-log.md,
// section 1) and the fixture file's user and site tables, so a table made here and one
// made by loading the fixture compare equal in SHOW CREATE TABLE.

const activityLogDDL = "CREATE TABLE `{prefix}activity_log` (\n" +
	"  `id` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT,\n" +
	"  `user_login` VARCHAR(100) NOT NULL,\n" +
	"  `type` VARCHAR(255) NOT NULL,\n" +
	"  `parameters` LONGTEXT NOT NULL,\n" +
	"  `ts_created` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n" +
	"{geo}" +
	"  PRIMARY KEY (`id`)\n" +
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC"

const geoColumns = "  `country` CHAR(3) NULL DEFAULT NULL,\n" +
	"  `ip` VARBINARY(16) NULL DEFAULT NULL,\n"

// ActivityLogDDL is the CREATE TABLE of <prefix>activity_log as ActivityLog plugin 3.1 and
// later create it, with the country and ip columns.
func ActivityLogDDL(prefix string) string {
	return strings.NewReplacer("{prefix}", prefix, "{geo}", geoColumns).Replace(activityLogDDL)
}

// ActivityLogDDLBefore31 is the table as plugins older than 3.1 left it: no country, no ip.
func ActivityLogDDLBefore31(prefix string) string {
	return strings.NewReplacer("{prefix}", prefix, "{geo}", "").Replace(activityLogDDL)
}

// UserDDL is the CREATE TABLE of <prefix>user with the columns the product may read.
func UserDDL(prefix string) string {
	return "CREATE TABLE `" + prefix + "user` (\n" +
		"  `login` VARCHAR(100) NOT NULL PRIMARY KEY,\n" +
		"  `password` VARCHAR(255) NOT NULL,\n" +
		"  `email` VARCHAR(100) NOT NULL,\n" +
		"  `twofactor_secret` VARCHAR(40) NOT NULL DEFAULT '',\n" +
		"  `superuser_access` TINYINT(2) UNSIGNED NOT NULL DEFAULT 0,\n" +
		"  `date_registered` TIMESTAMP NULL,\n" +
		"  `ts_password_modified` TIMESTAMP NULL,\n" +
		"  UNIQUE KEY `uniq_email` (`email`)\n" +
		") DEFAULT CHARSET=utf8mb4"
}

// SiteDDL is the CREATE TABLE of <prefix>site with the columns the product may read.
func SiteDDL(prefix string) string {
	return "CREATE TABLE `" + prefix + "site` (\n" +
		"  `idsite` INT(10) UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n" +
		"  `name` VARCHAR(90) NOT NULL,\n" +
		"  `main_url` VARCHAR(255) NOT NULL,\n" +
		"  `ts_created` TIMESTAMP NULL,\n" +
		"  `timezone` VARCHAR(50) NOT NULL DEFAULT 'UTC',\n" +
		"  `currency` CHAR(3) NOT NULL DEFAULT 'EUR',\n" +
		"  `group` VARCHAR(250) NOT NULL DEFAULT '',\n" +
		"  `type` VARCHAR(255) NOT NULL DEFAULT 'website',\n" +
		"  `creator_login` VARCHAR(100) NULL\n" +
		") DEFAULT CHARSET=utf8mb4"
}

// UserDDLMatomo5 is <prefix>user as Matomo 5 creates it, with the invitation
// columns: a row whose invite_token is set is a pending invite, not an
// account anyone signed in with.
func UserDDLMatomo5(prefix string) string {
	return "CREATE TABLE `" + prefix + "user` (\n" +
		"  `login` VARCHAR(100) NOT NULL,\n" +
		"  `password` VARCHAR(255) NOT NULL,\n" +
		"  `email` VARCHAR(100) NOT NULL,\n" +
		"  `twofactor_secret` VARCHAR(40) NOT NULL DEFAULT '',\n" +
		"  `superuser_access` TINYINT(2) UNSIGNED NOT NULL DEFAULT 0,\n" +
		"  `date_registered` TIMESTAMP NULL,\n" +
		"  `ts_password_modified` TIMESTAMP NULL,\n" +
		"  `idchange_last_viewed` INTEGER UNSIGNED NULL,\n" +
		"  `invited_by` VARCHAR(100) NULL,\n" +
		"  `invite_token` VARCHAR(191) NULL,\n" +
		"  `invite_link_token` VARCHAR(191) NULL,\n" +
		"  `invite_expired_at` TIMESTAMP NULL,\n" +
		"  `invite_accept_at` TIMESTAMP NULL,\n" +
		"  `ts_changes_shown` TIMESTAMP NULL,\n" +
		"  PRIMARY KEY (`login`),\n" +
		"  UNIQUE KEY `uniq_email` (`email`)\n" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci ROW_FORMAT=DYNAMIC"
}

// AccessDDL is the CREATE TABLE of <prefix>access as Matomo creates it:
// one row per login, site and role (view, write, admin) or capability id.
func AccessDDL(prefix string) string {
	return "CREATE TABLE `" + prefix + "access` (\n" +
		"  `idaccess` INT(10) UNSIGNED NOT NULL AUTO_INCREMENT,\n" +
		"  `login` VARCHAR(100) NOT NULL,\n" +
		"  `idsite` INT(10) UNSIGNED NOT NULL,\n" +
		"  `access` VARCHAR(50) NULL,\n" +
		"  PRIMARY KEY (`idaccess`),\n" +
		"  KEY `index_loginidsite` (`idsite`, `login`)\n" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
}
