; <?php exit; ?> DO NOT REMOVE THIS LINE
; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.
[database]
host = "[::1]:3307"
username = "u&#36;er"
password = "off"
dbname = "matomo_&eacute;"
tables_prefix = "m&amp;a_"
port = "3306"
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
password = "0123"
dbname = "中文"
port = 3306

[General]
salt = "f1e2d3c4b5a6978812345678abcdefab"
trusted_hosts[] = "stats.example.org"
trusted_hosts[] = "stats.example.org:8443"

