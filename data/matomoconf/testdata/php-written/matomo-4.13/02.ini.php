; <?php exit; ?> DO NOT REMOVE THIS LINE
; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.
[database]
host = ""
username = "m&auml;tomo"
password = "a&amp;b&lt;c&gt;d&quot;e'f"
dbname = "matomo_&eacute;"
tables_prefix = "m&amp;a_"
port = "/tmp/my sock &amp; &eacute;/mysqld.sock"
adapter = "PDO\MYSQL"
type = "InnoDB"
schema = "Mariadb"
charset = "utf8mb4"
collation = "utf8mb4_general_ci"
enable_ssl = 0
ssl_no_verify = 1

[database_reader]
host = "db.example.org"
username = "user&amp;co"
password = "&uuml;&szlig;中文😀 &ntilde;"
dbname = "中文"
port = "/srv/a&quot;b'c;d#e/mysql.sock"

[General]
salt = "f1e2d3c4b5a6978812345678abcdefab"
trusted_hosts[] = "stats.example.org"
trusted_hosts[] = "stats.example.org:8443"

