; <?php exit; ?> DO NOT REMOVE THIS LINE
; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.
[database]
host = ""
username = "u&#36;er"
password = "&#36;{HOME}"
dbname = "donn&eacute;es"
tables_prefix = ""
port = "/srv/a&quot;b\'c;d#e/mysql.sock"
adapter = "PDO\\MYSQL"
type = "InnoDB"
schema = "Mariadb"
charset = "utf8mb4"
collation = "utf8mb4_general_ci"
enable_ssl = 0
ssl_no_verify = 1

[database_reader]
host = "db&amp;1.example"
username = "root"
password = "&amp;nbsp;x&amp;#39;y&amp;quot;"
dbname = "a&#36;b"
port = "/tmp/back\\slash/mysql.sock"

[General]
salt = "f1e2d3c4b5a6978812345678abcdefab"
trusted_hosts[] = "stats.example.org"
trusted_hosts[] = "stats.example.org:8443"

