package matomoconf

import (
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// LocalSockets are the default MySQL/MariaDB socket paths of the common
// distributions (Debian/Ubuntu, RHEL, openSUSE, upstream builds). PHP's
// MySQL drivers connect to "localhost" through their compiled-in default
// socket rather than TCP; the first of these that exists stands in for it.
// Tests override it.
var LocalSockets = []string{
	"/run/mysqld/mysqld.sock",
	"/var/run/mysqld/mysqld.sock",
	"/var/lib/mysql/mysql.sock",
	"/run/mysql/mysql.sock",
	"/tmp/mysql.sock",
}

type endpoint struct {
	host   string
	port   int
	socket string
}

// resolveEndpoint applies Matomo's and PHP's rules, in the order they apply:
// a non-empty unix_socket wins; a port starting with "/" is a socket path
// (Matomo's installer stores a socket there); a host "name:port" or
// "[v6]:port" carries its own port; "localhost" or an empty host means the
// local default socket when there is one. Values in errors are never
// secrets.
func resolveEndpoint(host, port, socket string) (endpoint, error) {
	if socket = strings.TrimSpace(socket); socket != "" {
		return endpoint{socket: socket}, nil
	}
	port = strings.TrimSpace(port)
	if strings.HasPrefix(port, "/") {
		return endpoint{socket: port}, nil
	}
	p := defaultPort
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return endpoint{}, fmt.Errorf("port %q is neither a port number nor a socket path: fix it, or pass --dsn", port)
		}
		p = n
	}

	h, hostPort := splitHost(strings.TrimSpace(host))
	if strings.HasPrefix(hostPort, "/") {
		return endpoint{socket: hostPort}, nil
	}
	if hostPort != "" {
		n, err := strconv.Atoi(hostPort)
		if err != nil || n < 1 || n > 65535 {
			return endpoint{}, fmt.Errorf("host %q ends in an invalid port: fix it, or pass --dsn", host)
		}
		// An explicit non-default port that disagrees is ambiguous; the
		// default 3306 (what global.ini.php sets) yields to the host's port.
		if p != defaultPort && p != n {
			return endpoint{}, fmt.Errorf("host %q and port %d name different ports: keep one, or pass --dsn", host, p)
		}
		p = n
	}

	if h == "" || strings.EqualFold(h, "localhost") {
		if s := localSocket(); s != "" {
			return endpoint{socket: s}, nil
		}
		h = "127.0.0.1"
	}
	return endpoint{host: h, port: p}, nil
}

// splitHost separates a trailing ":port" from a host name or bracketed IPv6
// literal. A bare IPv6 literal (several colons) has no port to split.
func splitHost(h string) (host, port string) {
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return h, ""
		}
		return h[1:end], strings.TrimPrefix(h[end+1:], ":")
	}
	if strings.Count(h, ":") == 1 {
		i := strings.IndexByte(h, ':')
		return h[:i], h[i+1:]
	}
	return h, ""
}

func localSocket() string {
	for _, p := range LocalSockets {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Type() == fs.ModeSocket {
			return p
		}
	}
	return ""
}
