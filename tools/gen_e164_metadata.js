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

if (meta.version !== 4) {
	throw new Error('unexpected metadata format version ' + meta.version)
}

const versionString = `libphonenumber-js ${pkgVersion} metadata.max.json sha256:${sha256}`

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
	if (regions.length === 1 && regions[0] === '001') {
		if (!nonGeo.has(cc)) {
			throw new Error('no non-geographic plan for ' + cc)
		}
		idx = [nonGeo.get(cc)]
	} else {
		idx = regions.map(r => {
			if (!planByRegion.has(r)) {
				throw new Error('unknown region ' + r + ' for ' + cc)
			}
			return planByRegion.get(r)
		})
	}
	const uniform = idx.every(i => plans[i].lengths === plans[idx[0]].lengths)
	callingCodes[n] = { first: members.length, count: idx.length, uniform }
	members.push(...idx)
}
for (const p of plans) {
	if (!callingCodes[p.cc]) {
		throw new Error('plan without calling code entry ' + p.region + ' ' + p.cc)
	}
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
lines.push(' * JSON; the package does not record which libphonenumber release the')
lines.push(' * metadata was taken from, so the package version and the JSON hash')
lines.push(' * identify it.')
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
		`${p.transform ? cString(p.transform) : 'NULL'}, ${hex(p.lengths)}, ${p.types || 'NULL'}},`)
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
