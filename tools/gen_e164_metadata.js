#!/usr/bin/env node
// Generates src/e164_metadata.c from libphonenumber-js's metadata.max.json,
// and with --sql the same model as SQL data for the PL/pgSQL twin of the
// normaliser (Supabase build): one reader, two emitters.
//
// Usage: node tools/gen_e164_metadata.js [output.c]
//        node tools/gen_e164_metadata.js --sql [output.sql]
//
// The JSON layout (metadata format version 4) is read the way
// libphonenumber-js's own source/metadata.js reads it:
//   countries[REGION] = [cc, idd, national_number_pattern, possible_lengths,
//                        formats, national_prefix, np_formatting_rule,
//                        national_prefix_for_parsing, np_transform_rule,
//                        np_optional_when_formatting, leading_digits, types,
//                        default_idd, ext]
//   types = [fixed_line, mobile, toll_free, premium_rate, personal_number,
//            voicemail, uan, pager, voip, shared_cost], each [pattern, lengths?]
//   nonGeographic[cc] has the same layout.
// The JSON carries no "local only" lengths, so none are generated.
'use strict'

const fs = require('fs')
const path = require('path')
const crypto = require('crypto')

const pkgDir = path.join(__dirname, 'node_modules', 'libphonenumber-js')
const jsonPath = path.join(pkgDir, 'metadata.max.json')
const sqlMode = process.argv[2] === '--sql'
const outArg = sqlMode ? process.argv[3] : process.argv[2]
const outPath = outArg || (sqlMode
	? path.join(__dirname, '..', 'sql', 'src', 'plpgsql', '19_e164_metadata.sql')
	: path.join(__dirname, '..', 'src', 'e164_metadata.c'))

const raw = fs.readFileSync(jsonPath)
const sha256 = crypto.createHash('sha256').update(raw).digest('hex')
const pkgVersion = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version
const meta = JSON.parse(raw.toString('utf8'))

// The tables must come from the version pinned in package-lock.json.
const lock = JSON.parse(fs.readFileSync(path.join(__dirname, 'package-lock.json'), 'utf8'))
const pinned = lock.packages && lock.packages['node_modules/libphonenumber-js'] &&
	lock.packages['node_modules/libphonenumber-js'].version
if (pinned !== pkgVersion) {
	throw new Error(`installed libphonenumber-js ${pkgVersion} is not the pinned ${pinned}: run npm ci in tools/`)
}

if (meta.version !== 4) {
	throw new Error('unexpected metadata format version ' + meta.version)
}

// libphonenumber-js's CHANGELOG names the Google metadata release it ships:
// "1.13.16 / <date>" ... "* Updated metadata to version 9.0.43".
let upstream = null
try {
	const changelog = fs.readFileSync(path.join(pkgDir, 'CHANGELOG.md'), 'utf8')
	const at = changelog.search(new RegExp('^' + pkgVersion.replace(/\./g, '\\.') + ' /', 'm'))
	if (at >= 0) {
		const entry = changelog.slice(at).split(/\n(?=\d+\.\d+\.\d+ \/)/)[0]
		const m = /Updated metadata to version (\d+\.\d+\.\d+)/.exec(entry)
		if (m) {
			upstream = m[1]
		}
	}
} catch (e) {
	upstream = null
}

const versionString = (upstream ? `libphonenumber ${upstream} metadata, ` : '') +
	`libphonenumber-js ${pkgVersion} metadata.max.json sha256:${sha256}`

// Pattern table, deduplicated.
const patterns = []
const patternIndex = new Map()
function pat(p) {
	if (p === undefined || p === null || p === 0 || p === '') {
		return -1
	}
	if (typeof p !== 'string') {
		throw new Error('pattern is not a string: ' + JSON.stringify(p))
	}
	if (!patternIndex.has(p)) {
		patternIndex.set(p, patterns.length)
		patterns.push(p)
	}
	return patternIndex.get(p)
}

function kind(p) {
	if (!p) {
		return 'E164_PAT_NONE'
	}
	return /^\d+(\|\d+)*$/.test(p) ? 'E164_PAT_LITERALS' : 'E164_PAT_REGEX'
}

function lengthMask(lengths) {
	if (!lengths) {
		return 0
	}
	let mask = 0
	for (const n of lengths) {
		if (!Number.isInteger(n) || n < 1 || n > 31) {
			throw new Error('bad possible length ' + n)
		}
		mask = (mask | (1 << n)) >>> 0
	}
	return mask
}

function cString(s) {
	let out = '"'
	for (const ch of Buffer.from(s, 'utf8')) {
		if (ch === 0x5c) {
			out += '\\\\'
		} else if (ch === 0x22) {
			out += '\\"'
		} else if (ch === 0x3f) {
			out += '\\?'			// no trigraphs
		} else if (ch < 0x20 || ch >= 0x7f) {
			out += '\\' + ch.toString(8).padStart(3, '0')
		} else {
			out += String.fromCharCode(ch)
		}
	}
	return out + '"'
}

function hex(n) {
	return '0x' + n.toString(16).padStart(8, '0')
}

// Digits that a non-empty match of pattern p can start with, as a bit mask
// (bit d = digit d).  A small parser for the regex subset the metadata uses;
// anything it does not know widens the answer (all digits), never narrows
// it, so the core may skip a pattern only when the skip is exact.
const ALL_DIGITS = 0x3ff
function firstDigits(p) {
	let i = 0
	function classMask() {
		// after '['
		let neg = false
		let mask = 0
		if (p[i] === '^') { neg = true; i++ }
		let first = true
		while (i < p.length && (p[i] !== ']' || first)) {
			first = false
			let lo = p[i++]
			if (lo === '\\') {
				const e = p[i++]
				if (e === 'd') { mask |= ALL_DIGITS; continue }
				lo = e
				if (!/[0-9\-\]\[\\.]/.test(e)) { mask |= ALL_DIGITS; continue }
			}
			let hi = lo
			if (p[i] === '-' && p[i + 1] !== ']' && i + 1 < p.length) {
				i++
				hi = p[i++]
				if (hi === '\\') { hi = p[i++]; if (!/[0-9]/.test(hi)) { mask |= ALL_DIGITS; continue } }
			}
			for (let d = 0; d <= 9; d++) {
				const c = String(d)
				if (c >= lo && c <= hi) { mask |= 1 << d }
			}
		}
		if (p[i] !== ']') { throw new Error('bad class in ' + p) }
		i++
		return neg ? ALL_DIGITS : mask
	}
	function atom() {
		const c = p[i]
		if (c === '(') {
			i++
			if (p[i] === '?') {
				if (p[i + 1] === ':') { i += 2 } else {
					// lookaround or other group: be conservative
					let depth = 1
					while (i < p.length && depth > 0) {
						if (p[i] === '\\') { i += 2; continue }
						if (p[i] === '(') depth++
						if (p[i] === ')') depth--
						i++
					}
					return { nullable: true, first: ALL_DIGITS }
				}
			}
			const r = alt()
			if (p[i] !== ')') { throw new Error('bad group in ' + p) }
			i++
			return r
		}
		if (c === '[') { i++; return { nullable: false, first: classMask() } }
		if (c === '\\') {
			const e = p[i + 1]
			i += 2
			if (e === 'd') return { nullable: false, first: ALL_DIGITS }
			if (/[0-9]/.test(e)) return { nullable: true, first: ALL_DIGITS } // backreference
			if (/[bBAzZ]/.test(e)) return { nullable: true, first: ALL_DIGITS }
			return { nullable: false, first: ALL_DIGITS }
		}
		if (c === '.') { i++; return { nullable: false, first: ALL_DIGITS } }
		if (c === '^' || c === '$') { i++; return { nullable: true, first: ALL_DIGITS } }
		i++
		if (/[0-9]/.test(c)) return { nullable: false, first: 1 << Number(c) }
		return { nullable: false, first: 0 }
	}
	function quantified() {
		const a = atom()
		let min = 1
		const q = p[i]
		if (q === '?' || q === '*') { min = 0; i++ }
		else if (q === '+') { i++ }
		else if (q === '{') {
			const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i))
			if (m) { min = Number(m[1]); i += m[0].length }
		}
		if (p[i] === '?' || (p[i] === '+' && q !== undefined && /[?*+}]/.test(q))) { i++ }
		return { nullable: a.nullable || min === 0, first: a.first }
	}
	function seq() {
		let nullable = true
		let first = 0
		while (i < p.length && p[i] !== '|' && p[i] !== ')') {
			const a = quantified()
			if (nullable) { first |= a.first }
			nullable = nullable && a.nullable
		}
		return { nullable, first }
	}
	function alt() {
		const r = seq()
		while (p[i] === '|') {
			i++
			const b = seq()
			r.nullable = r.nullable || b.nullable
			r.first |= b.first
		}
		return r
	}
	try {
		const r = alt()
		if (i !== p.length) { return ALL_DIGITS }
		return r.first
	} catch (e) {
		return ALL_DIGITS
	}
}

// Which regions share a calling code with another region: only those need
// per-type patterns (to tell the countries apart, as libphonenumber-js does).
const shared = new Set()
for (const [cc, regions] of Object.entries(meta.country_calling_codes)) {
	if (regions.length > 1) {
		regions.forEach(r => shared.add(r))
	}
}

const plans = []
const planByRegion = new Map()
const typeBlocks = []

function addPlan(region, a) {
	const npfp = a[7] || a[5] || null
	const p = {
		region,
		cc: Number(a[0]),
		idd: a[1] || null,
		nnp: a[2],
		lengths: lengthMask(a[3]),
		npfp,
		npfpFirst: npfp ? firstDigits(npfp) : 0,
		transform: a[8] || null,
		leadingDigits: a[10] || null,
		types: null
	}
	if (!p.nnp) {
		throw new Error('no national number pattern for ' + region)
	}
	if (region && shared.has(region)) {
		const types = a[11] || []
		const block = []
		for (let i = 0; i < 10; i++) {
			const t = types[i]
			if (t && t[0]) {
				block.push({ pattern: pat(t[0]), lengths: lengthMask(t[1]) })
			} else {
				block.push({ pattern: -1, lengths: 0 })
			}
		}
		p.types = 'e164_types_' + region
		typeBlocks.push({ name: p.types, block })
	}
	p.iddIdx = pat(p.idd)
	p.nnpIdx = pat(p.nnp)
	p.npfpIdx = pat(p.npfp)
	p.ldIdx = pat(p.leadingDigits)
	plans.push(p)
	return plans.length - 1
}

for (const region of Object.keys(meta.countries).sort()) {
	if (!/^[A-Z]{2}$/.test(region)) {
		throw new Error('unexpected region ' + region)
	}
	planByRegion.set(region, addPlan(region, meta.countries[region]))
}
const nonGeo = new Map()
for (const cc of Object.keys(meta.nonGeographic || {}).sort((x, y) => x - y)) {
	nonGeo.set(cc, addPlan('', meta.nonGeographic[cc]))
}

// Calling codes: members in libphonenumber-js's order (main region first).
const members = []
const callingCodes = new Array(1000).fill(null)
for (const [cc, regions] of Object.entries(meta.country_calling_codes)) {
	const n = Number(cc)
	if (!(n >= 1 && n <= 999)) {
		throw new Error('bad calling code ' + cc)
	}
	let idx
	idx = regions.map(r => {
		if (!planByRegion.has(r)) {
			throw new Error('unknown region ' + r + ' for ' + cc)
		}
		return planByRegion.get(r)
	})
	const uniform = idx.every(i => plans[i].lengths === plans[idx[0]].lengths)
	callingCodes[n] = { first: members.length, count: idx.length, uniform }
	members.push(...idx)
}
// Non-geographic codes (800, 808, ...) are listed only in nonGeographic.
for (const [cc, i] of nonGeo) {
	const n = Number(cc)
	if (callingCodes[n]) {
		throw new Error('non-geographic code also geographic: ' + cc)
	}
	callingCodes[n] = { first: members.length, count: 1, uniform: true }
	members.push(i)
}
for (const p of plans) {
	if (!callingCodes[p.cc]) {
		throw new Error('plan without calling code entry ' + p.region + ' ' + p.cc)
	}
}

if (patterns.length > 1024) {
	throw new Error('more patterns than E164_MAX_PATTERNS in src/e164_metadata.h')
}

if (sqlMode) {
	emitSql()
} else {
	emitC()
}

function emitC() {
const lines = []
lines.push('/*-------------------------------------------------------------------------')
lines.push(' *')
lines.push(' * e164_metadata.c')
lines.push(' *	  Phone numbering-plan tables.  GENERATED FILE, DO NOT EDIT.')
lines.push(' *')
lines.push(' * Generated by tools/gen_e164_metadata.js (make metadata) from')
lines.push(` * libphonenumber-js ${pkgVersion} (npm), file metadata.max.json,`)
lines.push(` * sha256 ${sha256}.`)
lines.push(' * That package ships Google libphonenumber\'s PhoneNumberMetadata.xml as')
if (upstream) {
	lines.push(` * JSON; its CHANGELOG says this is libphonenumber ${upstream} metadata.`)
} else {
	lines.push(' * JSON; its CHANGELOG does not say which libphonenumber release, so the')
	lines.push(' * package version and the JSON hash identify it.')
}
lines.push(' *')
lines.push(' *-------------------------------------------------------------------------')
lines.push(' */')
lines.push('#include "e164_metadata.h"')
lines.push('')
lines.push(`const char *const e164_metadata_version_string = ${cString(versionString)};`)
lines.push('')
lines.push(`const int	e164_n_patterns = ${patterns.length};`)
lines.push('')
lines.push('const char *const e164_patterns[] = {')
patterns.forEach((p, i) => lines.push(`	/* ${i} */ ${cString(p)},`))
lines.push('};')
lines.push('')
for (const tb of typeBlocks) {
	lines.push(`static const E164Type ${tb.name}[E164_N_TYPES] = {`)
	for (const t of tb.block) {
		lines.push(`	{${t.pattern}, ${hex(t.lengths)}},`)
	}
	lines.push('};')
	lines.push('')
}
lines.push(`const int	e164_n_plans = ${plans.length};`)
lines.push('')
lines.push('const E164Plan e164_plans[] = {')
plans.forEach((p, i) => {
	lines.push(`	/* ${i} */ {${cString(p.region)}, ${p.cc}, ${kind(p.idd)}, ${kind(p.npfp)}, ` +
		`${p.iddIdx}, ${p.nnpIdx}, ${p.npfpIdx}, ${p.ldIdx}, ` +
		`${p.transform ? cString(p.transform) : 'NULL'}, ${hex(p.lengths)}, ` +
		`0x${p.npfpFirst.toString(16).padStart(3, '0')}, ${p.types || 'NULL'}},`)
})
lines.push('};')
lines.push('')
lines.push('const int16_t e164_cc_members[] = {')
for (let i = 0; i < members.length; i += 12) {
	lines.push('	' + members.slice(i, i + 12).join(', ') + ',')
}
lines.push('};')
lines.push('')
lines.push('/* Codes not listed are zero: count 0 means unknown calling code */')
lines.push('const E164CallingCode e164_calling_codes[1000] = {')
for (let n = 0; n < 1000; n++) {
	const c = callingCodes[n]
	if (c) {
		lines.push(`	[${n}] = {${c.first}, ${c.count}, ${c.uniform ? 1 : 0}},`)
	}
}
lines.push('};')
lines.push('')
const regionTable = new Array(26 * 26).fill(-1)
for (const [r, i] of planByRegion) {
	regionTable[(r.charCodeAt(0) - 65) * 26 + (r.charCodeAt(1) - 65)] = i
}
lines.push('const int16_t e164_region_plan[26 * 26] = {')
for (let i = 0; i < regionTable.length; i += 26) {
	lines.push('	' + regionTable.slice(i, i + 26).join(', ') + ',')
}
lines.push('};')
lines.push('')

fs.writeFileSync(outPath, lines.join('\n'))
console.log(`wrote ${outPath}: ${plans.length} plans, ${patterns.length} patterns, ${versionString}`)
}

// Capturing groups of pattern p (PCRE2_INFO_CAPTURECOUNT for this subset).
function captureCount(p) {
	let n = 0
	let inClass = false
	for (let i = 0; i < p.length; i++) {
		const c = p[i]
		if (c === '\\') { i++; continue }
		if (inClass) { if (c === ']') { inClass = false } continue }
		if (c === '[') { inClass = true; continue }
		if (c === '(' && p[i + 1] !== '?') { n++ }
	}
	return n
}

// The SQL emitter: the same plans as the C tables, as rows of one table in
// schema hotel_agent for the PL/pgSQL twin (sql/src/plpgsql/20_identifier.sql).
// Patterns are stored ready to run as PostgreSQL AREs: anchored the way the
// C core anchors them, literal alternatives ("00|011") as arrays compared
// without a regex, lengths as the C bit masks plus their bounds.  Only the
// regex subset the C core's generator saw is allowed here: (?:...), groups,
// classes, \d, {m,n}, ?, |, and $ at the end of an alternative.
function emitSql() {
	const q = s => s === null || s === undefined ? 'NULL' : "'" + s.replace(/'/g, "''") + "'"
	const arr = (xs, type) => xs === null ? 'NULL' :
		'ARRAY[' + xs.map(x => typeof x === 'string' || x === null ? q(x) : String(x)).join(', ') + ']::' + type
	const literals = p => p && kind(p) === 'E164_PAT_LITERALS' ? p.split('|') : null
	const regex = (p, pre, post) => p && kind(p) === 'E164_PAT_REGEX' ? pre + p + post : null
	const bounds = mask => {
		if (!mask) { return [null, null] }
		let lo = 0, hi = 31
		while (!(mask & (1 << lo))) { lo++ }
		while (!((mask >>> hi) & 1)) { hi-- }
		return [lo, hi]
	}
	for (const p of patterns) {
		if (/\(\?[^:]|\\[^d]|[.*+^]/.test(p)) {
			throw new Error('pattern outside the subset the SQL twin runs: ' + p)
		}
	}
	// checkLength(mask, n): check_length() of e164.c, 0 possible, 1 too
	// short, 2 too long, 3 invalid length
	const checkLength = (mask, n) => {
		if (!mask) { return 0 }
		const [lo, hi] = bounds(mask)
		return n === lo ? 0 : n < lo ? 1 : n > hi ? 2 : (mask >>> n) & 1 ? 0 : 3
	}
	// agreeMask(plans): bit n (0 to 31) set when every plan gives a number
	// of n digits the same length verdict, so that the twin can skip the
	// per-plan tests of e164_parse_length_for() for it
	const agreeMask = idx => {
		let mask = 0
		for (let n = 0; n < 32; n++) {
			if (idx.every(i => checkLength(plans[i].lengths, n) === checkLength(plans[idx[0]].lengths, n))) {
				mask += 2 ** n
			}
		}
		return mask
	}
	// the members of each calling code, main plan first
	const memberOf = new Map()
	for (let n = 0; n < 1000; n++) {
		const c = callingCodes[n]
		if (!c) { continue }
		const agree = agreeMask(members.slice(c.first, c.first + c.count))
		for (let k = 0; k < c.count; k++) {
			memberOf.set(members[c.first + k], { k, count: c.count, agree })
		}
	}
	const planColumnTypes = ['smallint', 'text', 'smallint', 'smallint', 'smallint', 'bigint', 'text', 'text[]',
		'text', 'text', 'text[]', 'smallint', 'smallint', 'text', 'text', 'bigint', 'smallint', 'smallint',
		'text[]', 'bigint[]']
	const byRegion = []
	const byCc = []
	const L = []
	L.push('-- Phone numbering-plan tables of the PL/pgSQL normaliser (Supabase build).')
	L.push('-- GENERATED FILE, DO NOT EDIT: tools/gen_e164_metadata.js --sql writes it')
	L.push(`-- from libphonenumber-js ${pkgVersion} (npm), file metadata.max.json,`)
	L.push(`-- sha256 ${sha256}: the same metadata and the`)
	L.push('-- same model as src/e164_metadata.c, which the same reader generates.')
	L.push('--')
	L.push('-- One row per numbering plan, numbered as in the C tables. Patterns are')
	L.push('-- PostgreSQL AREs anchored as the C core anchors them (*_rx); literal')
	L.push('-- alternatives are arrays tried in order, as the C core does without a')
	L.push('-- regex. lengths: bit n set when n digits are possible (0: any), with')
	L.push('-- min_len and max_len its bounds. The table is code, not data: the')
	L.push('-- script refills it on every install and upgrade.')
	L.push('')
	L.push('-- @once')
	L.push('CREATE TABLE hotel_agent.e164_plan (')
	L.push('    plan smallint PRIMARY KEY,')
	L.push('    region text NOT NULL,            -- ISO 3166 alpha-2, \'\' for non-geographic')
	L.push('    cc smallint NOT NULL,            -- country calling code')
	L.push('    member smallint NOT NULL,        -- order among the plans of cc, 0 = main')
	L.push('    cc_plans smallint NOT NULL,      -- plans sharing cc')
	L.push('    cc_agree bigint NOT NULL,        -- bit n: all of them give n digits one verdict')
	L.push('    idd_rx text,                     -- international prefix, ^(?:p)')
	L.push('    idd_literals text[],             -- or its literal alternatives')
	L.push('    nnp_rx text NOT NULL,            -- national number pattern, ^(?:p)$')
	L.push('    npfp_rx text,                    -- national prefix for parsing, ^((?:p))')
	L.push('    npfp_literals text[],            -- or its literal alternatives')
	L.push('    npfp_ncap smallint NOT NULL,     -- capturing groups of npfp')
	L.push('    npfp_first smallint NOT NULL,    -- bit d: a match can start with digit d')
	L.push('    leading_rx text,                 -- leading digits, ^(?:p)')
	L.push('    transform text,                  -- national prefix transform rule')
	L.push('    lengths bigint NOT NULL,')
	L.push('    min_len smallint,')
	L.push('    max_len smallint,')
	L.push('    type_rx text[],                  -- per number type, ^(?:p)$, when cc is shared')
	L.push('    type_lengths bigint[]')
	L.push(');')
	L.push('CREATE UNIQUE INDEX e164_plan_region ON hotel_agent.e164_plan (region) WHERE region <> \'\';')
	L.push('CREATE UNIQUE INDEX e164_plan_cc ON hotel_agent.e164_plan (cc, member);')
	L.push('CREATE TABLE hotel_agent.e164_metadata (version text NOT NULL);')
	L.push('-- @end-once')
	L.push('')
	L.push('COMMENT ON TABLE hotel_agent.e164_plan IS')
	L.push("'Phone numbering plans of the PL/pgSQL normaliser, generated from libphonenumber metadata (code, not data)';")
	L.push('COMMENT ON TABLE hotel_agent.e164_metadata IS')
	L.push("'Which libphonenumber metadata hotel_agent.e164_plan was generated from';")
	L.push('GRANT SELECT ON hotel_agent.e164_plan, hotel_agent.e164_metadata TO PUBLIC;')
	L.push('')
	L.push('DELETE FROM hotel_agent.e164_metadata;')
	L.push(`INSERT INTO hotel_agent.e164_metadata VALUES (${q(versionString)});`)
	L.push('DELETE FROM hotel_agent.e164_plan;')
	L.push('INSERT INTO hotel_agent.e164_plan VALUES')
	const rows = []
	plans.forEach((p, i) => {
		const m = memberOf.get(i)
		const [lo, hi] = bounds(p.lengths)
		const ncap = p.npfp && kind(p.npfp) === 'E164_PAT_REGEX' ? captureCount(p.npfp) : 0
		if (p.transform && !/^(\d|\$[1-9])*$/.test(p.transform)) {
			throw new Error('transform rule outside what the SQL twin expands: ' + p.transform)
		}
		for (const g of (p.transform || '').match(/\$[1-9]/g) || []) {
			if (Number(g[1]) > ncap) {
				throw new Error('transform rule refers to a missing group: ' + p.region)
			}
		}
		let typeRx = null
		let typeLengths = null
		if (p.types) {
			const tb = typeBlocks.find(t => t.name === p.types)
			typeRx = tb.block.map(t => t.pattern < 0 ? null : '^(?:' + patterns[t.pattern] + ')$')
			typeLengths = tb.block.map(t => t.lengths)
		}
		const fields = [String(i), q(p.region), String(p.cc), String(m.k), String(m.count), String(m.agree),
			q(regex(p.idd, '^(?:', ')')), arr(literals(p.idd), 'text[]'),
			q('^(?:' + p.nnp + ')$'),
			q(regex(p.npfp, '^((?:', '))')), arr(literals(p.npfp), 'text[]'),
			String(ncap), String(p.npfpFirst), q(p.leadingDigits ? '^(?:' + p.leadingDigits + ')' : null),
			q(p.transform), String(p.lengths), lo === null ? 'NULL' : String(lo), hi === null ? 'NULL' : String(hi),
			arr(typeRx, 'text[]'), arr(typeLengths, 'bigint[]')]
		rows.push(`    (${fields.join(', ')})`)
		// the same row as a PL/pgSQL expression, every field typed
		const row = 'ROW(' + fields.map((f, j) => /::/.test(f) ? f : f + '::' + planColumnTypes[j]).join(', ') +
			')::hotel_agent.e164_plan'
		if (p.region) { byRegion.push({ key: p.region.charCodeAt(0) * 100 + p.region.charCodeAt(1), row }) }
		if (m.k === 0) {
			// the three-digit prefixes that start with the code
			const digits = String(p.cc).length
			const scale = 10 ** (3 - digits)
			byCc.push({ key: p.cc * scale, end: (p.cc + 1) * scale, digits, row })
		}
	})
	L.push(rows.join(',\n') + ';')
	L.push('')
	// Lookups of the normaliser's hot path as code: a PL/pgSQL binary search
	// over constants costs about a tenth of a query on the table (executor,
	// index scan and locks on every call), and the rows are the table's own.
	byRegion.sort((a, b) => a.key - b.key)
	byCc.sort((a, b) => a.key - b.key)
	byCc.forEach((e, i) => {
		if (i > 0 && e.key < byCc[i - 1].end) {
			throw new Error('calling codes not prefix-free: ' + byCc[i - 1].key + ', ' + e.key)
		}
	})
	// search(entries, indent, test): a binary search on k over entries
	// sorted by key, down to groups of three tried in turn with test(entry)
	const search = (entries, indent, test) => {
		if (entries.length <= 3) {
			return entries.map(e => `${indent}IF ${test(e)} THEN\n${indent}\tRETURN ${e.row};\n${indent}END IF;`)
		}
		const mid = entries.length >> 1
		return [`${indent}IF k < ${entries[mid].key} THEN`, ...search(entries.slice(0, mid), indent + '\t', test),
			`${indent}ELSE`, ...search(entries.slice(mid), indent + '\t', test), `${indent}END IF;`]
	}
	// lookupFunction(comment, signature, body): a generated lookup, its
	// declaration the same for both: IMMUTABLE (the rows are code), the
	// search_path pinned, one integer key.
	const lookupFunction = (comment, signature, body) => {
		L.push(...comment.map(c => '-- ' + c))
		L.push(`CREATE OR REPLACE FUNCTION hotel_agent.${signature}`)
		L.push('RETURNS hotel_agent.e164_plan')
		L.push('LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE')
		L.push("SET search_path = ''")
		L.push('AS $$')
		L.push('DECLARE')
		L.push('\tk integer;')
		L.push('BEGIN')
		L.push(...body)
		L.push('\tRETURN NULL;')
		L.push('END')
		L.push('$$;')
		L.push('')
	}
	lookupFunction([
		'e164_plan_of_region(code): the plan of region code (two upper-case',
		'letters), or NULL. The same rows as hotel_agent.e164_plan, searched by',
		'the code as a number (first letter * 100 + second): no collation involved.',
	], 'e164_plan_of_region(code text)', [
		'\tIF octet_length(code) <> 2 THEN',
		'\t\tRETURN NULL;',
		'\tEND IF;',
		'\tk := ascii(code) * 100 + ascii(substr(code, 2));',
		...search(byRegion, '\t', e => `k = ${e.key}`),
	])
	lookupFunction([
		'e164_plan_of_calling_code(digits): the main plan of the calling code',
		'that digits (ASCII digits, not starting with 0) start with: its first',
		'1, 2 or 3 digits that are a calling code (calling codes are prefix-free),',
		'or NULL. One search on the first three digits (zeros added): a code of',
		'n digits owns the three-digit numbers that start with it.',
	], 'e164_plan_of_calling_code(digits text)', [
		"\tIF digits IS NULL OR digits = '' OR starts_with(digits, '0') OR ltrim(digits, '0123456789') <> '' THEN",
		'\t\tRETURN NULL;',
		'\tEND IF;',
		"\tk := substr(digits || '00', 1, 3)::integer;",
		...search(byCc, '\t', e => e.digits === 3 ? `k = ${e.key} AND length(digits) >= 3` :
			`k >= ${e.key} AND k < ${e.end}` + (e.digits === 2 ? ' AND length(digits) >= 2' : '')),
	])
	fs.writeFileSync(outPath, L.join('\n'))
	console.log(`wrote ${outPath}: ${plans.length} plans, ${patterns.length} patterns, ${versionString}`)
}
