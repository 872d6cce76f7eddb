#!/usr/bin/env node
// Generates test/data/e164_corpus.csv: phone-number inputs with the result
// that libphonenumber-js (the oracle, pinned in tools/package.json) gives
// for them.  hotel_agent.normalize_e164() must agree with it on >= 99.5 %.
//
//   cd tools && npm ci && node gen_e164_corpus.js [output.csv]
//
// Columns: input,region,expected
//   input     always quoted (so the empty string stays distinct from NULL)
//   region    ISO 3166 code used as the default region; an unquoted empty
//             field (SQL NULL) means "no default region"
//   expected  E.164 when parsePhoneNumber(input, {defaultCountry: region})
//             succeeds and .isPossible() is true, else "!REASON"
//
// Reason mapping (oracle -> ours):
//   ParseError NOT_A_NUMBER          -> NOT_A_NUMBER
//   ParseError TOO_SHORT / TOO_LONG  -> TOO_SHORT / TOO_LONG
//   ParseError INVALID_COUNTRY       -> MISSING_REGION when no region was given
//       and the oracle parses the same input once it is given a default
//       calling code (i.e. it only lacked a region: no "+" it could use);
//       otherwise INVALID_COUNTRY_CODE (unknown code after "+" or an IDD)
//   parsed but not possible          -> the oracle's own length check
//       (checkNumberLength, i.e. what isPossible() tested) on the parsed
//       national number against the plan of the parsed country, or of the
//       calling code when no country was found: TOO_SHORT, TOO_LONG or
//       INVALID_LENGTH.  The length verdict is taken from the parsed number
//       rather than validatePhoneNumberLength(input), because the latter
//       re-parses with extract:false and answers NOT_A_NUMBER for inputs the
//       parser accepted ("tel:+1...", "+1 800 FLOWERS").
//   LOCAL_ONLY never occurs: libphonenumber-js drops local-only lengths.
//
// Output is deterministic: fixed-seed PRNG, sorted rows, no clock or locale.

'use strict';

const fs = require('fs');
const path = require('path');
const L = require('libphonenumber-js/max');
const { Metadata } = require('libphonenumber-js/core');
const META = require('libphonenumber-js/metadata.max.json');
const MOBILE_EXAMPLES = require('libphonenumber-js/examples.mobile.json');
const ORACLE_VERSION = require('libphonenumber-js/package.json').version;

const OUT = process.argv[2] ||
	path.join(__dirname, '..', 'test', 'data', 'e164_corpus.csv');
const MAX_INPUT_BYTES = 250;

// ---------------------------------------------------------------- PRNG
// mulberry32: tiny, fixed seed, identical on every node version
let prngState = 0x5eed1234;
function rand() {
	prngState = (prngState + 0x6d2b79f5) >>> 0;
	let t = prngState;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const chance = (p) => rand() < p;
const randDigits = (n) => {
	let s = '';
	for (let i = 0; i < n; i++) s += String(randInt(0, 9));
	return s;
};

// ---------------------------------------------------------------- oracle
const mdAll = new Metadata(META);

function lengthVerdict(nationalNumber, planKey) {
	// same rule as libphonenumber-js checkNumberLength()
	const md = new Metadata(META);
	md.selectNumberingPlan(planKey);
	const lengths = md.possibleLengths();
	const n = nationalNumber.length;
	if (lengths[0] === n) return null;
	if (lengths[0] > n) return 'TOO_SHORT';
	if (lengths[lengths.length - 1] < n) return 'TOO_LONG';
	return lengths.indexOf(n, 1) >= 0 ? null : 'INVALID_LENGTH';
}

const stats = { lengthDisagreesWithValidate: 0 };

function oracle(input, region) {
	const opts = region ? { defaultCountry: region } : undefined;
	let p;
	try {
		p = L.parsePhoneNumber(input, opts);
	} catch (e) {
		if (!(e instanceof L.ParseError)) throw e;
		switch (e.message) {
		case 'NOT_A_NUMBER':
		case 'TOO_SHORT':
		case 'TOO_LONG':
			return '!' + e.message;
		case 'INVALID_COUNTRY':
			if (!region) {
				try {
					L.parsePhoneNumber(input, { defaultCallingCode: '1' });
					return '!MISSING_REGION';
				} catch (e2) {
					if (e2.message !== 'INVALID_COUNTRY') return '!MISSING_REGION';
				}
			}
			return '!INVALID_COUNTRY_CODE';
		default:
			throw new Error('unmapped oracle error ' + e.message + ' for ' + JSON.stringify(input));
		}
	}
	if (p.isPossible()) return p.number;
	const why = lengthVerdict(p.nationalNumber, p.country || p.countryCallingCode);
	if (why === null) throw new Error('not possible but length ok: ' + JSON.stringify(input));
	const v = L.validatePhoneNumberLength(input, opts);
	if (v !== why) stats.lengthDisagreesWithValidate++;
	return '!' + why;
}

// ---------------------------------------------------------------- regex sampler
// Generates a random string matched by a metadata pattern.  The patterns use
// only digits, \d, [classes], (?:groups), |, ?, *, + and {n} / {n,m}.
function parseRegex(src) {
	let i = 0;
	function alt() {
		const branches = [seq()];
		while (src[i] === '|') {
			i++;
			branches.push(seq());
		}
		return { t: 'alt', branches };
	}
	function seq() {
		const items = [];
		while (i < src.length && src[i] !== '|' && src[i] !== ')') {
			let atom;
			const c = src[i];
			if (c === '(') {
				i++;
				if (src.startsWith('?:', i)) i += 2;
				atom = alt();
				if (src[i++] !== ')') throw new Error('bad group in ' + src);
			} else if (c === '[') {
				i++;
				const chars = [];
				while (src[i] !== ']') {
					let a = src[i++];
					if (a === '\\' && src[i] === 'd') {
						i++;
						for (let d = 0; d <= 9; d++) chars.push(String(d));
						continue;
					}
					if (src[i] === '-' && src[i + 1] !== ']') {
						const b = src[i + 1];
						i += 2;
						for (let k = a.charCodeAt(0); k <= b.charCodeAt(0); k++)
							chars.push(String.fromCharCode(k));
					} else {
						chars.push(a);
					}
				}
				i++;
				atom = { t: 'set', chars };
			} else if (c === '\\') {
				if (src[i + 1] !== 'd') throw new Error('bad escape in ' + src);
				i += 2;
				atom = { t: 'set', chars: '0123456789'.split('') };
			} else if (/[0-9]/.test(c)) {
				i++;
				atom = { t: 'set', chars: [c] };
			} else {
				throw new Error('unsupported regex char ' + c + ' in ' + src);
			}
			let min = 1, max = 1;
			const q = src[i];
			if (q === '?') { min = 0; max = 1; i++; }
			else if (q === '*') { min = 0; max = 3; i++; }
			else if (q === '+') { min = 1; max = 3; i++; }
			else if (q === '{') {
				const m = /^\{(\d+)(?:,(\d*))?\}/.exec(src.slice(i));
				min = Number(m[1]);
				max = m[2] === undefined ? min : (m[2] === '' ? min + 3 : Number(m[2]));
				i += m[0].length;
			}
			items.push({ atom, min, max });
		}
		return { t: 'seq', items };
	}
	const ast = alt();
	if (i !== src.length) throw new Error('trailing regex text in ' + src);
	return ast;
}

function sampleAst(node) {
	if (node.t === 'alt') return sampleAst(pick(node.branches));
	if (node.t === 'set') return pick(node.chars);
	let s = '';
	for (const it of node.items) {
		const n = randInt(it.min, it.max);
		for (let k = 0; k < n; k++) s += sampleAst(it.atom);
	}
	return s;
}

const TYPES = ['FIXED_LINE', 'MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'PERSONAL_NUMBER',
	'VOICEMAIL', 'UAN', 'PAGER', 'VOIP', 'SHARED_COST'];

// A valid number of the given type for a region (or non-geographic code), or null.
function sampleNumber(planKey, type) {
	const md = new Metadata(META);
	md.selectNumberingPlan(planKey);
	const t = md.type(type);
	if (!t || !t.pattern()) return null;
	const ast = parseRegex(t.pattern());
	const cc = md.countryCallingCode();
	for (let attempt = 0; attempt < 40; attempt++) {
		const nsn = sampleAst(ast);
		try {
			const p = L.parsePhoneNumber('+' + cc + nsn);
			if (p.isValid() && p.number === '+' + cc + nsn) return p;
		} catch (e) {
			// not a usable sample; draw again
		}
	}
	return null;
}

// ---------------------------------------------------------------- rows
const rows = new Map();	// key input\0region -> [input, region]

function add(input, region) {
	region = region || '';
	if (typeof input !== 'string') return;
	if (/[\0\t\r\n]/.test(input)) return;
	if (Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES) return;
	rows.set(input + '\0' + region, [input, region]);
}

// Ways a number is written by people and by systems.
const SEPARATORS = [' ', '-', '.', '  ', ' - ', '/'];

function reseparate(s, sep) {
	return s.replace(/[ \-]+/g, sep);
}

function noisy(s) {
	switch (randInt(0, 13)) {
	case 0: return reseparate(s, pick(SEPARATORS));
	case 1: return s.replace(/[^0-9+]/g, '');
	case 2: return ' ' + s + '  ';
	case 3: return '\u00a0' + s;	// no-break space, common in copy-paste
	case 4: return s.startsWith('+') ? '+ ' + s.slice(1) : '(' + s.slice(0, 3) + ') ' + s.slice(3);
	case 5: return s.startsWith('+') ? 'tel:' + s.replace(/ /g, '-') : 'tel:' + s;
	case 6: return s + pick([' ext. 12', ' x 345', ';ext=7', ' ext 1234', ' #22']);
	case 7: return s.replace(/^(\+?\d+) /, '$1 (') .replace(/^([^(]*\(\d+) /, '$1) ');
	case 8: return pick(['Tel: ', 'phone ', 'whatsapp:', 'Mobile: ']) + s;
	case 9: return s + pick([' (office)', ' mobile', '.', ',', ' ']);
	case 10: return s.replace(/ /g, '\u2013');	// en dash
	case 11:	// full-width digits and plus
		return s.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
	case 12: return s.replace(/\d/g, (c) => chance(0.08) ? c + ' ' : c);
	default: return '"' + s + '"';
	}
}

function dropLastDigit(s) {
	return s.replace(/\d(?=\D*$)/, '');
}

function addDigit(s) {
	return s.replace(/(\d)(\D*)$/, '$1' + randInt(0, 9) + '$2');
}

// Dialling a number from abroad: region -> IDD prefixes it accepts, plus
// some forms it does not (the oracle decides what they mean).
const DIAL_FROM = {
	US: { ok: ['011 ', '011', '011-'], bad: ['00 ', '+011 ', '01 '] },
	GB: { ok: ['00 ', '00', '00-'], bad: ['011 ', '000 '] },
	MX: { ok: ['00 ', '00'], bad: ['001 ', '011 '] },
	AR: { ok: ['00 ', '00', '00-'], bad: ['011 ', '0 '] },
	// IDD 00(?:1[245]|2[1-35]|31|4[13]|[56]5|99)?: "00" plus an optional carrier
	BR: { ok: ['00 ', '0014 ', '0015 ', '0021 ', '0031 ', '0041', '0099 '], bad: ['0016 ', '0012 ', '0 '] },
};
const DIAL_REGIONS = Object.keys(DIAL_FROM);

const regions = L.getCountries().slice().sort();
const bases = [];	// {p, region}

for (const region of regions) {
	const ex = L.getExampleNumber(region, MOBILE_EXAMPLES);
	if (ex) bases.push({ p: ex, region });
	for (const type of TYPES) {
		const reps = (type === 'FIXED_LINE' || type === 'MOBILE') ? 2 : 1;
		for (let r = 0; r < reps; r++) {
			const p = sampleNumber(region, type);
			if (p) bases.push({ p, region });
		}
	}
}
for (const cc of Object.keys(META.nonGeographic).sort()) {
	for (const type of TYPES) {
		const p = sampleNumber(cc, type);
		if (p) bases.push({ p, region: null });
	}
}

for (const { p, region } of bases) {
	const e164 = p.number;
	const intl = p.formatInternational();
	const digits = e164.slice(1);
	add(e164, '');
	add(intl, '');
	if (region) {
		const nat = p.formatNational();
		add(e164, region);
		add(nat, region);
		add(nat.replace(/\D/g, ''), region);
		add(noisy(nat), region);
		add(chance(0.5) ? dropLastDigit(nat) : addDigit(nat), region);
		if (chance(0.3)) add(nat, pick(regions));	// national format, wrong region
	}
	add(noisy(intl), '');
	add(noisy(chance(0.5) ? intl : e164), pick(['', 'AR', region || 'US']));
	// WhatsApp sender ids are E.164 without the "+"
	if (region === 'AR' || chance(0.35)) add(digits, 'AR');
	if (chance(0.2)) add(digits, '');
	if (chance(0.3)) add(digits, region || pick(regions));
	// from abroad
	for (const from of [pick(DIAL_REGIONS), pick(DIAL_REGIONS)]) {
		const idd = pick(chance(0.85) ? DIAL_FROM[from].ok : DIAL_FROM[from].bad);
		add(idd + (chance(0.6) ? intl.slice(1) : digits), from);
	}
	// one digit fewer / more
	add(chance(0.5) ? dropLastDigit(e164) : addDigit(e164), '');
	add(chance(0.5) ? dropLastDigit(intl) : addDigit(intl), region || '');
}

// ---------------------------------------------------------------- tricky cases
const TRICKY = [
	// WhatsApp
	['5491112345678', 'AR'], ['5491112345678', ''], ['whatsapp:+5491112345678', ''],
	['whatsapp:+5491112345678', 'AR'], ['+5491112345678', ''], ['+541112345678', ''],
	['5215512345678', 'MX'], ['5215512345678', ''], ['5511961234567', 'BR'],
	['447700900123', 'GB'], ['447700900123', 'AR'], ['14155552671', 'US'], ['14155552671', 'AR'],
	// Argentina: 9 after the country code, 15 after the area code
	['011 15-1234-5678', 'AR'], ['+54 9 11 1234-5678', ''], ['+54 9 11 1234-5678', 'AR'],
	['+54 11 1234-5678', ''], ['+54 11 15 1234-5678', ''], ['+54 9 11 15 1234-5678', ''],
	['11 15 1234 5678', 'AR'], ['15 1234 5678', 'AR'], ['15-1234-5678', 'AR'],
	['0 11 15 1234 5678', 'AR'], ['011 1234-5678', 'AR'], ['(011) 15 1234-5678', 'AR'],
	['0221 15 412-3456', 'AR'], ['(0351) 15-123-4567', 'AR'], ['0351 155 123456', 'AR'],
	['9 11 1234 5678', 'AR'], ['911 1234 5678', 'AR'], ['54 9 11 1234 5678', ''],
	['+54 0 11 15 1234 5678', ''], ['0054 9 11 1234 5678', 'AR'], ['00 54 9 11 1234 5678', 'US'],
	['011 54 9 11 1234 5678', 'US'], ['011 54 11 15 1234 5678', 'US'], ['0800 555 1234', 'AR'],
	['0810 555 1234', 'AR'], ['0600 555 1234', 'AR'], ['+54 9 2291 15-41-2345', ''],
	// United Kingdom
	['+44 (0)20 7946 0958', ''], ['+44 (0) 20 7946 0958', 'AR'], ['+44 020 7946 0958', ''],
	['020 7946 0958', 'GB'], ['(020) 7946 0958', 'GB'], ['07700 900123', 'GB'],
	['0044 7700 900123', 'GB'], ['+44 7700 900123', 'JE'], ['07700 900123', 'GG'],
	// United States
	['(650) 253-0000 ext. 12', 'US'], ['(650) 253-0000 x12', 'US'], ['650-253-0000;ext=12', 'US'],
	['650.253.0000', 'US'], ['1 (650) 253-0000', 'US'], ['+1 (650) 253-0000', ''],
	['253-0000', 'US'], ['+1 800 555 0199', ''], ['1-800-555-0199', 'US'], ['800-555-0199', 'US'],
	['+1 800 FLOWERS', ''], ['1-800-FLOWERS', 'US'], ['1-800-356-9377', 'US'], ['+1 650 CALL NOW', ''],
	['+1 888 555 0100', ''], ['+1 900 555 0100', ''], ['+1 011 555 0100', ''], ['+1 1650 253 0000', ''],
	['0011 650 253 0000', 'US'], ['011 650 253 0000', 'US'], ['+1 650 253 0000', 'CA'],
	['+1 416 555 0100', 'US'], ['+1 787 555 0100', ''], ['+1 242 357 1234', ''],
	['tel:+1-650-253-0000', ''], ['tel:650-253-0000', 'US'], ['tel:+1-650-253-0000;ext=12', ''],
	// Mexico: the old mobile "1" and the 044/045/01 prefixes
	['+52 1 55 1234 5678', ''], ['+52 55 1234 5678', ''], ['044 55 1234 5678', 'MX'],
	['045 55 1234 5678', 'MX'], ['01 55 1234 5678', 'MX'], ['55 1234 5678', 'MX'],
	['1 55 1234 5678', 'MX'], ['+52 (55) 1234-5678', ''], ['+52 1 (55) 1234-5678', 'MX'],
	['00 52 1 55 1234 5678', 'MX'], ['011 52 1 55 1234 5678', 'US'], ['+52 1 222 123 4567', ''],
	['+52 222 123 4567', ''], ['01 800 123 4567', 'MX'], ['800 123 4567', 'MX'],
	// Brazil: with and without the ninth digit, carrier codes
	['+55 11 96123-4567', ''], ['+55 11 6123-4567', ''], ['+55 11 3123-4567', ''],
	['(11) 96123-4567', 'BR'], ['(11) 6123-4567', 'BR'], ['11 96123 4567', 'BR'],
	['011 96123 4567', 'BR'], ['0 15 11 96123 4567', 'BR'], ['015 11 96123 4567', 'BR'],
	['0xx11 96123-4567', 'BR'], ['0 21 11 3123 4567', 'BR'], ['96123-4567', 'BR'],
	['+55 21 99876 5432', ''], ['+55 21 9876 5432', ''], ['0800 123 4567', 'BR'],
	['0014 55 11 96123 4567', 'BR'], ['00 55 11 96123 4567', 'BR'], ['0055 11 96123 4567', 'AR'],
	// Italy: the leading zero is part of the number
	['+39 06 6988 1234', ''], ['06 6988 1234', 'IT'], ['+39 6 6988 1234', ''],
	['+39 312 345 6789', ''], ['0039 06 6988 1234', 'AR'], ['06 698 81234', 'VA'],
	['+39 06 698', ''], ['+39 0669881234567', ''],
	// other well-known shapes
	['+49 30 1234567', ''], ['030 1234567', 'DE'], ['+49 (0)30 1234567', ''],
	['+33 1 23 45 67 89', ''], ['01 23 45 67 89', 'FR'], ['+33 (0)1 23 45 67 89', ''],
	['+7 912 345-67-89', ''], ['8 912 345-67-89', 'RU'], ['8 (912) 345-67-89', 'KZ'],
	['+81 90-1234-5678', ''], ['090-1234-5678', 'JP'], ['+86 138 0013 8000', ''],
	['+91 98765 43210', ''], ['098765 43210', 'IN'], ['+61 4 1234 5678', ''], ['0412 345 678', 'AU'],
	['+34 612 34 56 78', ''], ['+351 912 345 678', ''], ['+598 94 231 234', ''],
	['+56 9 6123 4567', ''], ['+57 321 1234567', ''], ['+51 912 345 678', ''],
	['+800 1234 5678', ''], ['+882 1234 5678', ''], ['+870 301 234 567', ''], ['+979 123 456 789', ''],
	// not numbers, or barely
	['', ''], ['', 'AR'], ['+', ''], ['+', 'AR'], [' ', 'AR'], ['   ', ''], ['-', 'US'], ['()', 'US'],
	['++44 20 7946 0958', ''], ['+-44 20 7946 0958', ''], ['+ +44', ''], ['+0 123 456', ''],
	['+00 44 20 7946 0958', ''], ['0', 'AR'], ['00', 'AR'], ['000', 'AR'], ['1', ''], ['1', 'US'],
	['12', 'US'], ['123', 'US'], ['911', 'US'], ['112', 'DE'], ['+1', ''], ['+12', ''],
	['+123', ''], ['+1234', ''], ['+54', ''], ['+549', ''], ['+5491', ''], ['+999 123 456', ''],
	['+99912345', ''], ['+210 123 456', ''], ['+383 44 123 456', ''], ['00 999 123 456', 'GB'],
	['abc', 'US'], ['abc', ''], ['phone', 'AR'], ['12abc34', 'US'], ['123-abc-4567', 'US'],
	['+54 9 11 abcd efgh', ''], ['call me', ''], ['N/A', 'AR'], ['null', ''], ['#', 'US'],
	['*123#', 'AR'], ['*99', 'US'], ['+54 9 11 1234 5678 9', ''], ['+54 9 11 1234 567', ''],
	['+1234567890123456', ''], ['+12345678901234567', ''], ['12345678901234567890', 'US'],
	['123456789012345678', 'AR'], ['+54 9 11 1234 5678 9012 3456', ''], ['+44 20 7946 0958 1234', ''],
	['1e10', 'US'], ['0x1F', 'US'], ['-5491112345678', 'AR'], ['5491112345678.0', 'AR'],
	['+54 9 11 1234 5678, +54 9 11 8765 4321', ''], ['650 253 0000 / 650 253 0001', 'US'],
	['(+54) 9 11 1234 5678', ''], ['[+54] 11 1234 5678', ''], ['+54.9.11.1234.5678', ''],
	['+54-9-11-1234-5678', ''], ['+54/9/11/1234/5678', ''], ['+54 9 11 1234_5678', ''],
	['٠١١ ١٥ ١٢٣٤ ٥٦٧٨', 'AR'], ['＋５４ ９ １１ １２３４ ５６７８', ''], ['+54\u00a09\u00a011\u00a01234\u00a05678', ''],
	['+54\u20119 11 1234 5678', ''], ['\u200e+54 9 11 1234 5678', ''], ['+54 9 11 1234 5678\u200f', ''],
	['+54 9 11 1234 5678' + ' '.repeat(220), ''], [' '.repeat(220) + '+54 9 11 1234 5678', ''],
	['5'.repeat(250), 'AR'], ['+' + '1'.repeat(249), ''], ['0'.repeat(30), 'AR'],
];
for (const [input, region] of TRICKY) add(input, region);

// letters mixed into real numbers (vanity numbers and typos)
for (let k = 0; k < 150; k++) {
	const { p, region } = pick(bases);
	const s = p.formatInternational().replace(/\d/g, (c) => chance(0.15) ? pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcxo'.split('')) : c);
	add(s, chance(0.5) ? '' : (region || 'AR'));
}

// random digit strings of every length, with and without "+"/region
for (let k = 0; k < 900; k++) {
	const len = randInt(1, 20);
	const plus = chance(0.5) ? '+' : '';
	const region = chance(0.3) ? '' : (chance(0.4) ? 'AR' : pick(regions));
	add(plus + randDigits(len), region);
}

// Argentine shapes the backend sees every day, in bulk
const AR_AREAS = ['11', '221', '223', '261', '264', '280', '291', '297', '341', '342', '351',
	'362', '376', '379', '381', '385', '387', '388', '2291', '2323', '2944', '3541', '3833'];
for (let k = 0; k < 1200; k++) {
	const area = pick(AR_AREAS);
	const local = randDigits(10 - area.length);
	const mid = local.slice(0, local.length - 4), last = local.slice(-4);
	const shape = randInt(0, 9);
	let s;
	switch (shape) {
	case 0: s = '+54 9 ' + area + ' ' + mid + '-' + last; break;
	case 1: s = '549' + area + local; break;
	case 2: s = '0' + area + ' 15-' + mid + '-' + last; break;
	case 3: s = '(0' + area + ') 15 ' + mid + ' ' + last; break;
	case 4: s = area + ' 15 ' + mid + last; break;
	case 5: s = '+54 ' + area + ' ' + mid + '-' + last; break;
	case 6: s = '0' + area + ' ' + local; break;
	case 7: s = '+54 9 ' + area + ' 15 ' + local; break;
	case 8: s = '54 9 ' + area + ' ' + local; break;
	default: s = '+549' + area + local;
	}
	if (chance(0.1)) s = chance(0.5) ? dropLastDigit(s) : addDigit(s);
	if (chance(0.15)) s = noisy(s);
	add(s, shape === 1 || shape === 8 ? pick(['AR', 'AR', '']) : (chance(0.9) ? 'AR' : ''));
}

// ---------------------------------------------------------------- write
function csvField(s) {
	return '"' + s.replace(/"/g, '""') + '"';
}

const out = [];
for (const [input, region] of rows.values()) {
	out.push([input, region, oracle(input, region)]);
}
out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

const lines = ['input,region,expected'];
for (const [input, region, expected] of out) {
	lines.push(csvField(input) + ',' + region + ',' + expected);
}
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, lines.join('\n') + '\n');

const reasons = {};
let errors = 0, withRegion = 0;
for (const r of out) {
	if (r[1]) withRegion++;
	if (r[2].startsWith('!')) {
		errors++;
		reasons[r[2].slice(1)] = (reasons[r[2].slice(1)] || 0) + 1;
	}
}
console.log('oracle: libphonenumber-js ' + ORACLE_VERSION);
console.log('wrote ' + OUT);
console.log('rows: ' + out.length + ' (with region ' + withRegion + ', base numbers ' + bases.length + ')');
console.log('ok: ' + (out.length - errors) + ', errors: ' + errors +
	' (' + (100 * errors / out.length).toFixed(1) + '%)');
for (const k of Object.keys(reasons).sort()) console.log('  ' + k + ': ' + reasons[k]);
console.log('length reason differs from validatePhoneNumberLength(input): ' +
	stats.lengthDisagreesWithValidate);
