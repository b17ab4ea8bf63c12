; <?php exit; ?> DO NOT REMOVE THIS LINE
; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.
[database]
host = ""
username = "matomo"
password = "Tr0ub4dor&#36;3&amp;&lt;&eacute;&gt;&quot;x"
dbname = "matomo"
tables_prefix = "matomo_"
port = "/run/mysqld/mysqld.sock"
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
password = "p&#36;a&#36;&#36;w0rd &#36;1 &#36;&#36;"
dbname = "donn&eacute;es"
port = 3306

[General]
salt = "f1e2d3c4b5a6978812345678abcdefab"
trusted_hosts[] = "stats.example.org"
trusted_hosts[] = "stats.example.org:8443"

