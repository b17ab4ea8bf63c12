; <?php exit; ?> DO NOT REMOVE THIS LINE
; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.
[database]
host = ""
username = "user&amp;co"
password = "AT&amp;T; &amp;copy2024 &amp;#x41 &amp;#65;"
dbname = "a&amp;b"
tables_prefix = "a&#36;b_"
port = "/run/mysqld/mysqld.sock"
adapter = "PDO\\MYSQL"
type = "InnoDB"
schema = "Mariadb"
charset = "utf8mb4"
collation = "utf8mb4_general_ci"
enable_ssl = 0
ssl_no_verify = 1

[database_reader]
host = "[::1]:3307"
username = "u&#36;er"
password = "ends with quote&quot;"
dbname = "matomo_&eacute;"
port = 3306

[General]
salt = "f1e2d3c4b5a6978812345678abcdefab"
trusted_hosts[] = "stats.example.org"
trusted_hosts[] = "stats.example.org:8443"

