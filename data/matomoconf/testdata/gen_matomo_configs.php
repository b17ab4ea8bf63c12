<?php
// Writes config files the way Matomo saves config.ini.php, for values that
// are hard to get through an INI file, and what Matomo reads back from each.
//
//   php testdata/gen_matomo_configs.php testdata
//
// makes testdata/php-written/<writer>/NN.ini.php and .../expected.json, and
// testdata/global.expected.json: what Matomo reads from every single-valued
// key of Matomo's own testdata/global.ini.php. The Go tests read only those
// files, so they need no PHP.
//
// Saving (Matomo's IniFileChain::encodeValues, then component-ini's
// IniWriter): every string goes through htmlentities(ENT_COMPAT, UTF-8),
// then "$" becomes "&#36;"; booleans are written as 1 and 0, numbers bare,
// strings in double quotes. The writers differ only in escaping:
//   - "matomo-4.13": component-ini 3.0.1 (Matomo 4.13 to 5.x), which
//     backslash-escapes '"' only; as htmlentities leaves no '"', this is
//     also what component-ini 2.x (Matomo up to 4.6) wrote;
//   - "matomo-4.7": component-ini 3.0.0 (Matomo 4.7 to 4.12), addslashes.
//
// Reading (component-ini's IniReader, then IniFileChain::reload):
// parse_ini_string in normal mode with sections, on the text plus "\n";
// bare true/yes/on, false/no/off and null become booleans and null, numeric
// strings that survive the round trip become numbers; then every string is
// html_entity_decode'd (ENT_COMPAT, UTF-8) twice, because reload runs its
// decodeValues twice on each file.

if ($argc !== 2) {
    fwrite(STDERR, "usage: php gen_matomo_configs.php TESTDATA\n");
    exit(2);
}

// What a user may type into Matomo's installer or settings.
$passwords = [
    'Tr0ub4dor$3&<é>"x',
    'p$a$$w0rd $1 $$',
    'a&b<c>d"e\'f',
    'üß中文😀 ñ',
    '&amp;',
    '&#36;{HOME}',
    '${HOME}',
    '&nbsp;x&#39;y&quot;',
    'back\\slash \\\\double \\t \\" \\$ \\\'',
    'trailing\\',
    '\\',
    'semi;colon #hash = equals [brackets] ~!@%^*()_+{}|:?<>',
    '  leading and trailing spaces  ',
    "tab\tinside",
    'true',
    'null',
    'off',
    '0123',
    '3306',
    '1e3',
    '-1.50',
    '',
    '\'single\' "double"',
    '%(host)s ${NOPE ${',
    'AT&T; &copy2024 &#x41 &#65;',
    'ends with quote"',
];
$sockets = [
    '/run/mysqld/mysqld.sock',
    '/tmp/my sock & é/mysqld.sock',
    '/var/run/mysqld/m$ql.sock',
    '/srv/a"b\'c;d#e/mysql.sock',
    '/tmp/中文/ü.sock',
    '/tmp/back\\slash/mysql.sock',
];
$prefixes = ['matomo_', 'm&a_', 'piwik_', '', 'pré_', 'a$b_', '&lt;_'];
$dbnames = ['matomo', 'matomo_é', 'db-with-dash', 'données', '中文', 'a&b', 'a$b'];
$users = ['matomo', 'mätomo', 'user&co', 'u$er', 'root'];
$hosts = ['127.0.0.1', 'localhost', 'db.example.org', '[::1]:3307', 'db&1.example'];

function pick(array $list, int $i)
{
    return $list[$i % count($list)];
}

// One file per pair of passwords: [database] gets one, [database_reader]
// the next, and the other lists cycle along.
$cases = [];
for ($i = 0; 2 * $i < count($passwords); $i++) {
    $socket = $i % 3 !== 2;
    $db = [
        'host' => $socket ? '' : pick($hosts, $i),
        'username' => pick($users, $i),
        'password' => $passwords[2 * $i],
        'dbname' => pick($dbnames, $i),
        'tables_prefix' => pick($prefixes, $i),
        'port' => $socket ? pick($sockets, $i) : ($i % 2 ? 3307 : '3306'),
        'adapter' => 'PDO\\MYSQL',
        'type' => 'InnoDB',
        'schema' => 'Mariadb',
        'charset' => 'utf8mb4',
        'collation' => 'utf8mb4_general_ci',
        'enable_ssl' => false,
        'ssl_no_verify' => true,
    ];
    $reader = [
        'host' => pick($hosts, $i + 1),
        'username' => pick($users, $i + 1),
        'password' => $passwords[2 * $i + 1] ?? $passwords[0],
        'dbname' => pick($dbnames, $i + 3),
        'port' => $i % 2 ? pick($sockets, $i + 2) : 3306,
    ];
    $cases[sprintf('%02d.ini.php', $i + 1)] = [
        'database' => $db,
        'database_reader' => $reader,
        'General' => [
            'salt' => 'f1e2d3c4b5a6978812345678abcdefab',
            'trusted_hosts' => ['stats.example.org', 'stats.example.org:8443'],
        ],
    ];
}

function encodeValue($v)
{
    if (is_array($v)) {
        return array_map('encodeValue', $v);
    }
    if (is_string($v)) {
        return str_replace('$', '&#36;', htmlentities($v, ENT_COMPAT, 'UTF-8'));
    }
    return $v;
}

function iniValue($v, string $writer): string
{
    if (is_bool($v)) {
        return (string) (int) $v;
    }
    if (!is_string($v)) {
        return (string) $v;
    }
    // Both writers first drop a '"' right before a line break.
    $v = preg_replace('/"[\n\r]/', "\n", $v);
    $v = $writer === 'matomo-4.7' ? addslashes($v) : addcslashes($v, '"');
    return '"' . $v . '"';
}

function writeIni(array $config, string $writer): string
{
    $ini = "; <?php exit; ?> DO NOT REMOVE THIS LINE\n"
        . "; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.\n";
    foreach ($config as $section => $values) {
        $ini .= "[$section]\n";
        foreach (encodeValue($values) as $key => $v) {
            if (is_array($v)) {
                foreach ($v as $item) {
                    $ini .= $key . '[] = ' . iniValue($item, $writer) . "\n";
                }
            } else {
                $ini .= $key . ' = ' . iniValue($v, $writer) . "\n";
            }
        }
        $ini .= "\n";
    }
    return $ini;
}

function readerTypes($value, $raw)
{
    if (is_array($value)) {
        foreach ($value as $k => $v) {
            $value[$k] = readerTypes($v, $raw[$k]);
        }
        return $value;
    }
    if (!is_string($value)) {
        return $value;
    }
    if ($value === '1' && in_array($raw, ['true', 'yes', 'on'], true)) {
        return true;
    }
    if ($value === '' && in_array($raw, ['false', 'no', 'off'], true)) {
        return false;
    }
    if ($value === '' && $raw === 'null') {
        return null;
    }
    if (is_numeric($value) && (string) ($value + 0) === $value) {
        return $value + 0;
    }
    return $value;
}

function decodeStrings($v)
{
    if (is_array($v)) {
        return array_map('decodeStrings', $v);
    }
    return is_string($v) ? html_entity_decode($v, ENT_COMPAT, 'UTF-8') : $v;
}

function readIni(string $ini): array
{
    $values = parse_ini_string($ini . "\n", true);
    $raw = parse_ini_string($ini . "\n", true, INI_SCANNER_RAW);
    if ($values === false || $raw === false) {
        throw new RuntimeException('PHP cannot parse the file it wrote');
    }
    return decodeStrings(decodeStrings(readerTypes($values, $raw)));
}

// Scalars as the strings PHP turns them into when Matomo uses them (a
// password, a port, a flag), with the PHP type alongside.
function described($v): array
{
    return ['type' => gettype($v), 'value' => is_array($v) ? null : (string) $v];
}

$flags = JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;

foreach (['matomo-4.13', 'matomo-4.7'] as $writer) {
    $dir = $argv[1] . '/php-written/' . $writer;
    if (!is_dir($dir) && !mkdir($dir, 0777, true)) {
        exit(1);
    }
    $expected = [];
    foreach ($cases as $name => $config) {
        $ini = writeIni($config, $writer);
        file_put_contents("$dir/$name", $ini);
        $read = readIni($ini);
        foreach (['database', 'database_reader'] as $section) {
            foreach ($read[$section] as $key => $v) {
                $typed = $config[$section][$key];
                $expected[$name][$section][$key] = described($v) + [
                    'typed' => is_bool($typed) ? (int) $typed : $typed,
                    'encoded' => encodeValue($typed),
                ];
            }
        }
    }
    $json = json_encode(['php' => PHP_VERSION, 'writer' => $writer, 'files' => $expected], $flags);
    file_put_contents("$dir/expected.json", $json . "\n");
}

// Arrays (key[] = ...) are left out: the Go reader only reads single values.
$global = [];
foreach (readIni(file_get_contents($argv[1] . '/global.ini.php')) as $section => $keys) {
    foreach ($keys as $key => $v) {
        if (!is_array($v)) {
            $global[$section][$key] = described($v);
        }
    }
}
$json = json_encode(['php' => PHP_VERSION, 'file' => 'global.ini.php', 'sections' => $global], $flags);
file_put_contents($argv[1] . '/global.expected.json', $json . "\n");
