; <?php exit; ?> DO NOT REMOVE THIS LINE
; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.
[database]
host = ""
username = "matomo"
password = "-1.50"
dbname = "donn&eacute;es"
tables_prefix = ""
port = "/tmp/中文/&uuml;.sock"
adapter = "PDO\\MYSQL"
type = "InnoDB"
schema = "Mariadb"
charset = "utf8mb4"
collation = "utf8mb4_general_ci"
enable_ssl = 0
ssl_no_verify = 1

[database_reader]
host = "localhost"
username = "m&auml;tomo"
password = ""
dbname = "a&#36;b"
port = 3306

[General]
salt = "f1e2d3c4b5a6978812345678abcdefab"
trusted_hosts[] = "stats.example.org"
trusted_hosts[] = "stats.example.org:8443"

