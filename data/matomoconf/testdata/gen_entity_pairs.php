<?php
// Writes entity_decode_php.json: inputs and what PHP's html_entity_decode
// makes of them under ENT_COMPAT in UTF-8, once and twice (as Matomo reads
// config values). The Go tests compare htmlEntityDecode with every pair, so
// they can check the decoder against PHP without PHP installed.
//
// Run from data/matomoconf: php testdata/gen_entity_pairs.php testdata/entity_decode_php.json

if ($argc !== 2) {
    fwrite(STDERR, "usage: php gen_entity_pairs.php OUTPUT.json\n");
    exit(2);
}

$inputs = [
    // Quirks of PHP's scanner worth pinning down one by one.
    '&&lt;', '&&&amp;;', '&amp;lt;', '&#38;lt;', '&amp;amp;amp;', 'x&amp;amp;y',
    '&lt', 'x&lt', '&lt;x', '&;', '&a;', '&#;', '&#x;', '&#X;', '&', '&&', '&#', '&#x',
    '&AMP;', '&Amp;', '&amp', '&ampx;', '&NBSP;', '&QUOT;', '&apos;', '&dollar;',
    '&#39;', '&#x27;', '&#X27;', '&#039;', '&#34;', '&#x22;', '&quot;',
    '&#65', '&#65 ;', '&#x41', '&#+65;', '&#-65;', '&#x+41;', '&#x 41;', '&# 65;',
    '&#0x41;', '&#x0x41;', '&#X0X41;', '&#x0X41;', '&#X0x41;', '&#x0x;', '&#x0xg;',
    '&#x0x0x41;', '&#x00x41;', '&#x0x0041;', '&#x0x110000;',
    '&#0000000000000000000000000000000000000065;', '&#x000000041;',
    '&#99999999999999999999999999;', '&#x7FFFFFFFFFFFFFFFF;', '&#xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF41;',
    '&#xD83D;&#xDE00;', '&#128512;', '&#x1F600;',
    "&lt\0;", "&l\0t;", "&#6\0005;", "\0&lt;\0",
    '&#36;', '&#x24;', '&#36;{HOME}', '&amp;#36;{HOME}', '${HOME}', '&#36;&#123;HOME&#125;',
    'Tr0ub4dor&#36;3&amp;&lt;&eacute;&gt;&quot;x', 'Tr0ub4dor$3&<é>"x',
    '&lt;&gt;&amp;&quot;&#39;', 'a&b', 'a & b', 'a&b;c', 'AT&T;', '&copy2024;', '&copy;2024',
    '&eacute;&Eacute;&EACUTE;', '&uuml;&szlig;', '&#20013;&#25991;', '&thetasym;&alefsym;&zwnj;&zwj;&lrm;&rlm;',
    '&#9;&#10;&#13;&#12;&#11;&#0;&#1;&#127;&#128;&#159;&#160;',
    '&#x9;&#xa;&#xA;&#xd;&#xD;', '&#xfffe;&#xFFFF;&#xFDD0;&#x1FFFE;&#x10FFFF;&#x110000;&#1114111;&#1114112;',
];

foreach (get_html_translation_table(HTML_ENTITIES, ENT_COMPAT | ENT_HTML401, 'UTF-8') as $entity) {
    $name = substr($entity, 1, -1);
    array_push($inputs, $entity, "&$name", '&' . strtoupper($name) . ';', '&' . strtolower($name) . ';', "x{$entity}y$entity");
}
// HTML5 knows many more names (and some without ";"); HTML 4.01 mode must
// leave every one it does not share alone.
foreach (get_html_translation_table(HTML_ENTITIES, ENT_QUOTES | ENT_HTML5, 'UTF-8') as $entity) {
    $inputs[] = $entity;
}
foreach ([0, 1, 8, 9, 10, 11, 12, 13, 14, 31, 32, 33, 34, 38, 39, 60, 62, 126, 127, 128, 159, 160, 255,
          0x2028, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0,
          0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1FFFE, 0x1FFFF, 0xEFFFF, 0x10FFFE, 0x10FFFF, 0x110000] as $cp) {
    $h = dechex($cp);
    array_push($inputs, "&#$cp;", "&#00$cp;", "&#x$h;", '&#X' . strtoupper($h) . ';', "&#x000$h;", "&#x0x$h;");
}

// Random soup from the characters that matter, reproducible by the seed.
mt_srand(20261120);
$pieces = ['&', '&', '&', '#', '#', 'x', 'X', '0', '0', '1', '3', '6', '9', 'a', 'f', 'F', 'g', 'l', 't', 'm', 'p',
           'q', 'u', 'o', 'A', 'M', 'P', ';', ';', ';', ' ', '$', "'", '"', 'é', '中', "\0",
           '&amp;', '&lt;', '&#', '&#x', '&#36;', '&#39;', '&quot;', '&eacute;'];
for ($i = 0; $i < 1500; $i++) {
    $s = '';
    for ($n = mt_rand(1, 16); $n > 0; $n--) {
        $s .= $pieces[mt_rand(0, count($pieces) - 1)];
    }
    $inputs[] = $s;
}

$pairs = [];
foreach (array_values(array_unique($inputs)) as $in) {
    $once = html_entity_decode($in, ENT_COMPAT, 'UTF-8');
    $pairs[] = ['in' => $in, 'once' => $once, 'twice' => html_entity_decode($once, ENT_COMPAT, 'UTF-8')];
}
// JSON cannot hold bytes that are not UTF-8, so these pairs are in hex.
foreach (["\xff&lt;\xfe", "\xc3&eacute;", "&\xc3\xa9;", "&eacute\xe9;", "&#x41\x80;", "\x80&amp;amp;\x80"] as $in) {
    $once = html_entity_decode($in, ENT_COMPAT, 'UTF-8');
    $pairs[] = ['hex' => true, 'in' => bin2hex($in), 'once' => bin2hex($once),
                'twice' => bin2hex(html_entity_decode($once, ENT_COMPAT, 'UTF-8'))];
}

// One pair per line, so that a change in PHP shows up as a readable diff.
$flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
$lines = array_map(fn ($p) => json_encode($p, $flags), $pairs);
$json = '{"php": ' . json_encode(PHP_VERSION) . ', "pairs": [' . "\n" . implode(",\n", $lines) . "\n]}\n";
if (file_put_contents($argv[1], $json) === false) {
    exit(1);
}
