#!/usr/bin/env node
// Generates src/e164_metadata.c from libphonenumber-js's metadata.max.json.
//
// Usage: node tools/gen_e164_metadata.js [output.c]
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
const outPath = process.argv[2] || path.join(__dirname, '..', 'src', 'e164_metadata.c')

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
