-- Identifier normalisation, Supabase build: the PL/pgSQL twin of the C
-- functions declared in sql/src/c/20_identifier.sql, with the same names,
-- signatures, defaults, volatility, strictness and parallel safety, the same
-- results and the same errors (SQLSTATE, message, detail, hint).  The
-- numbering plans are the rows of hotel_agent.e164_plan
-- (19_e164_metadata.sql), generated from the same metadata as the C tables;
-- the hot path finds them with e164_plan_of_region() and
-- e164_plan_of_calling_code(), generated beside the table from the same rows.
--
-- Each step follows the C code of the same name (src/e164.c, e164_policy.c,
-- identifier_kind.c, email.c, identifier.c); read them together.  Metadata
-- patterns run as PostgreSQL AREs.  Where the C core (PCRE2) returns the
-- first match of an alternation and an ARE the longest, the two agree for
-- every prefix pattern of the current metadata (international prefixes and
-- national prefixes for parsing; test/twin/compare.sh proves it on the
-- whole corpus); full matches and match starts agree by construction.
--
-- Internal helpers are hotel_agent.e164_parse_*; their results are a key
-- or, on failure, chr(1) followed by a reason code (no key starts with a
-- control character).

-- e164_parse_check_length(lengths, min_len, max_len, n): check_length() of
-- e164.c: 0 possible, 1 too short, 2 too long, 3 invalid length.  Every
-- name is qualified, and the search_path pinned all the same (Supabase's
-- linter asks it of every function).  PL/pgSQL, not SQL: the SET clause
-- keeps a SQL function from being inlined, and a SQL function that is not
-- inlined is parsed and planned again in every transaction that calls it
-- (its cache lives in the caller's expression state), where PL/pgSQL
-- compiles once per session.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_check_length(lengths bigint, min_len smallint, max_len smallint, n integer)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
BEGIN
	RETURN CASE
		WHEN lengths OPERATOR(pg_catalog.=) 0 THEN 0
		WHEN n OPERATOR(pg_catalog.=) min_len THEN 0
		WHEN n OPERATOR(pg_catalog.<) min_len THEN 1
		WHEN n OPERATOR(pg_catalog.>) max_len THEN 2
		WHEN (lengths OPERATOR(pg_catalog.>>) n) OPERATOR(pg_catalog.&) 1 OPERATOR(pg_catalog.=) 1 THEN 0
		ELSE 3 END;
END
$$;

-- check_length_for() and has_number_type() of e164.c: the length check of
-- national number nn against the plan of sel's calling code it belongs to.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_length_for(sel hotel_agent.e164_plan, nn text)
RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	n integer := length(nn);
	r integer := hotel_agent.e164_parse_check_length(sel.lengths, sel.min_len, sel.max_len, n);
	p hotel_agent.e164_plan;
	same boolean := true;
	tl bigint;
BEGIN
	-- the plans of the calling code agree on n digits (always when it has
	-- one plan): no need to ask which plan the number belongs to
	IF n < 32 AND (sel.cc_agree >> n) & 1 = 1 THEN
		RETURN r;
	END IF;
	FOR p IN SELECT * FROM hotel_agent.e164_plan WHERE cc = sel.cc ORDER BY member LOOP
		IF hotel_agent.e164_parse_check_length(p.lengths, p.min_len, p.max_len, n) <> r THEN
			same := false;
		END IF;
	END LOOP;
	IF same THEN
		RETURN r;
	END IF;
	FOR p IN SELECT * FROM hotel_agent.e164_plan WHERE cc = sel.cc ORDER BY member LOOP
		IF p.leading_rx IS NOT NULL THEN
			IF n > 0 AND nn ~ p.leading_rx THEN
				RETURN hotel_agent.e164_parse_check_length(p.lengths, p.min_len, p.max_len, n);
			END IF;
		ELSIF p.type_rx IS NOT NULL AND nn ~ p.nnp_rx THEN
			FOR t IN 1 .. 10 LOOP
				CONTINUE WHEN p.type_rx[t] IS NULL;
				tl := CASE WHEN p.type_lengths[t] <> 0 THEN p.type_lengths[t] ELSE p.lengths END;
				CONTINUE WHEN tl <> 0 AND (n > 31 OR (tl >> n) & 1 = 0);
				IF nn ~ p.type_rx[t] THEN
					RETURN hotel_agent.e164_parse_check_length(p.lengths, p.min_len, p.max_len, n);
				END IF;
			END LOOP;
		END IF;
	END LOOP;
	RETURN r;
END
$$;

-- extract_national() of e164.c: num without the national prefix (and
-- carrier code) of plan sel, unless stripping it breaks the number.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_national(sel hotel_agent.e164_plan, num text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	after text;
	g text[];
	lit text;
	e integer;
	n integer;
	r integer;
BEGIN
	IF num = '' THEN
		RETURN num;
	END IF;
	IF sel.npfp_literals IS NOT NULL THEN
		FOREACH lit IN ARRAY sel.npfp_literals LOOP
			IF starts_with(num, lit) THEN
				after := substr(num, length(lit) + 1);
				EXIT;
			END IF;
		END LOOP;
	ELSIF sel.npfp_rx IS NOT NULL
		AND (sel.npfp_first >> (ascii(num) - 48)) & 1 = 1 THEN
		-- Where the match ends first: without captures the ARE engine does
		-- not dissect the match (a third of the cost), and most numbers
		-- have no prefix, or one without a transformation.
		e := regexp_instr(num, sel.npfp_rx, 1, 1, 1);
		IF e > 1 THEN
			after := substr(num, e);
		END IF;
		IF e > 1 AND sel.transform IS NOT NULL AND sel.npfp_ncap > 0 THEN
			g := regexp_match(num, sel.npfp_rx);
			IF g[sel.npfp_ncap + 1] <> '' THEN
				lit := sel.transform;
				FOR i IN 1 .. sel.npfp_ncap LOOP
					lit := replace(lit, '$' || i, coalesce(g[i + 1], ''));
				END LOOP;
				after := lit || after;
			END IF;
		END IF;
	END IF;
	IF after IS NULL OR after = num THEN
		RETURN num;
	END IF;
	IF num ~ sel.nnp_rx AND after !~ sel.nnp_rx THEN
		RETURN num;
	END IF;
	IF sel.lengths <> 0 THEN
		-- e164_parse_length_for() without its checks of the other plans
		-- when the plans of the calling code agree on the length
		n := length(after);
		IF n < 32 AND (sel.cc_agree >> n) & 1 = 1 THEN
			r := hotel_agent.e164_parse_check_length(sel.lengths, sel.min_len, sel.max_len, n);
		ELSE
			r := hotel_agent.e164_parse_length_for(sel, after);
		END IF;
		IF r = 1 OR r = 3 THEN
			RETURN num;
		END IF;
	END IF;
	RETURN after;
END
$$;

-- extract_digits_ascii() and extract_digits() of e164.c: from raw text to
-- "+digits" or "digits", or chr(1) and the E164Result.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_digits(raw text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	-- every ASCII character but '+' and the digits; but the digits and '#'
	not_start constant text := E'\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !"#$%&''()*,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f';
	not_end constant text := E'\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !"$%&''()*+,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f';
	-- libphonenumber-js's digits, and their ASCII values
	any_digits text;
	ascii_digits text;
	digits_class text;
	punct_class text;
	seg text;
	t text;
	s text;
	n integer;
	st integer;
	en integer;
	ndig integer;
	ctx integer;
	cs integer;
	ce integer;
	tel integer;
	a integer;
	b integer;
	simple boolean;
	c text;
	-- libphonenumber-js's extension pattern, caseless as PCRE2 reads it
	-- (letters as classes of their Unicode case variants: s and U+017F,
	-- Cyrillic д and о and their U+1C81, U+1C82 variants)
	ext_rx text;
	out text;
BEGIN
	n := length(raw);
	IF octet_length(raw) = n AND strpos(raw, ';') = 0 THEN
		-- ASCII without ';': the fast path
		t := ltrim(raw, not_start);
		IF t = '' THEN
			RETURN chr(1) || '1';
		END IF;
		seg := rtrim(t, not_end);
		IF seg = '' OR seg = '+' THEN
			RETURN chr(1) || '1';
		END IF;
		IF ltrim(CASE WHEN starts_with(seg, '+') THEN substr(seg, 2) ELSE seg END,
				 '0123456789 -.()/[]') = '' THEN
			s := translate(seg, ' -.()/[]', '');
			ndig := length(s) - (CASE WHEN starts_with(s, '+') THEN 1 ELSE 0 END);
			IF ndig >= 3 OR (ndig = 2 AND NOT starts_with(s, '+') AND length(seg) = 2) THEN
				RETURN s;
			END IF;
			RETURN chr(1) || CASE WHEN ndig >= 1 THEN '4' ELSE '1' END;
		END IF;
	END IF;

	-- the full path, on characters
	-- (its constants are set here, not declared with their values: a
	-- declaration's value is computed on every call, and the fast path
	-- above needs none of them)
	any_digits := '0123456789０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹';
	ascii_digits := '0123456789012345678901234567890123456789';
	digits_class := '0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9';
	punct_class := '\-\u2010-\u2015\u2212\u30FC\uFF0D\uFF0F/\uFF0E. \u00A0\u00AD\u200B\u2060\u3000()\uFF08\uFF09\uFF3B\uFF3D\[\]~\u2053\u223C\uFF5E';
	ext_rx :=
		';[eE][xX][tT]=[0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]{1,20}'
		'|[ \u00A0\t,]*(?:[eE]?[xX][tT](?:[eE][nN][sSſ][iI](?:[oO]\u0301?|[óÓ]))?[nN]?|[ｅＥ]?[ｘＸ][ｔＴ][ｎＮ]?|[дДᲁ][оОᲂ][бБ]|[aA][nN][eE][xX][oO])'
		'[:.\uFF0E]?[ \u00A0\t,\-]*[0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]{1,20}#?'
		'|[ \u00A0\t,]*(?:[xX\uFF58\uFF38#\uFF03~\uFF5E]|[iI][nN][tT]|[ｉＩ][ｎＮ][ｔＴ])'
		'[:.\uFF0E]?[ \u00A0\t,\-]*[0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]{1,9}#?'
		'|[\- ]+[0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]{1,6}#'
		'|[ \u00A0\t]*(?:,{2}|;)[:.\uFF0E]?[ \u00A0\t,\-]*[0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]{1,15}#?'
		'|[ \u00A0\t]*,+[:.\uFF0E]?[ \u00A0\t,\-]*[0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]{1,9}#?';
	ctx := CASE WHEN strpos(raw, ';') > 0 THEN strpos(raw, ';phone-context=') ELSE 0 END;
	IF ctx > 0 THEN
		-- tel: URI with a context: rebuild "+context" + local number (0-based as in C)
		ctx := ctx - 1;
		cs := ctx + 15;
		IF cs >= n THEN
			RETURN chr(1) || '1';
		END IF;
		ce := strpos(substr(raw, cs + 1), ';');
		ce := CASE WHEN ce = 0 THEN n ELSE cs + ce - 1 END;
		c := substr(raw, cs + 1, ce - cs);
		IF NOT (c ~ ('^\+[-.()' || digits_class || ']*$') AND c ~ ('[' || digits_class || ']'))
			AND c !~ ('^(?:[' || digits_class || '](?:[-' || digits_class || ']*[' || digits_class || '])?\.)*[A-Za-z]+(?:[-' || digits_class || ']*[' || digits_class || '])?\.?$') THEN
			RETURN chr(1) || '1';
		END IF;
		s := CASE WHEN starts_with(c, '+') THEN c ELSE '' END;
		tel := strpos(raw, 'tel:');
		a := CASE WHEN tel > 0 THEN tel - 1 + 4 ELSE 0 END;
		b := ctx;
		IF a > b THEN
			tel := a; a := b; b := tel;
		END IF;
		raw := s || substr(raw, a + 1, b - a);
		n := length(raw);
		st := 0;
		en := n;
	ELSE
		st := regexp_instr(raw, '[+\uFF0B' || digits_class || ']');
		IF st = 0 THEN
			RETURN chr(1) || '1';
		END IF;
		st := st - 1;
		en := regexp_instr(reverse(raw), '[#' || digits_class || ']');
		en := CASE WHEN en = 0 THEN st ELSE greatest(n - en + 1, st) END;
	END IF;
	IF strpos(raw, ';') > 0 THEN
		a := strpos(substr(raw, st + 1, en - st), ';isub=');
		IF a > 1 THEN
			en := st + a - 1;
		END IF;
	END IF;
	IF en <= st THEN
		RETURN chr(1) || '1';
	END IF;

	seg := substr(raw, st + 1, en - st);
	t := translate(seg, any_digits, ascii_digits);
	ndig := length(t) - length(translate(t, '0123456789', ''));
	simple := seg !~ '[^0-9 \-.()/\[\]+]' AND strpos(substr(seg, 2), '+') = 0;
	IF simple THEN
		IF NOT (ndig >= 3 OR (ndig = 2 AND length(seg) = 2)) THEN
			RETURN chr(1) || CASE WHEN ndig >= 1 AND substr(t, length(t)) BETWEEN '0' AND '9' THEN '4' ELSE '1' END;
		END IF;
	ELSE
		IF seg !~ ('^[' || digits_class || ']{2}$|^[+\uFF0B]{0,1}(?:[' || punct_class || ']*[' || digits_class || ']){3,}[' || punct_class || digits_class || ']*(?:' || ext_rx || ')?$') THEN
			IF seg ~ ('^[+\uFF0B]{0,1}(?:[' || punct_class || ']*[' || digits_class || ']){1,2}$') THEN
				RETURN chr(1) || '4';
			END IF;
			RETURN chr(1) || '1';
		END IF;
		a := regexp_instr(seg, '(?:' || ext_rx || ')$');
		IF a > 0 THEN
			seg := substr(seg, 1, a - 1);
			t := translate(seg, any_digits, ascii_digits);
		END IF;
	END IF;

	-- parseIncompletePhoneNumber(): '+' (or U+FF0B) only as the first character
	t := translate(t, '＋', '+');
	out := translate(t, translate(t, '0123456789', ''), '');
	IF t ~ '^[^0-9]*\+' THEN
		out := '+' || out;
	END IF;
	RETURN out;
END
$$;

-- e164_parse_heap_warmup(): true, after allocating and freeing one 1 MB
-- block.  Why: in a new backend, glibc gives the top of the heap back to
-- the kernel whenever more than 128 kB is free there, and PostgreSQL 15's
-- regular expressions malloc() and free() their DFAs (up to about 160 kB
-- for the national-prefix patterns) on every match.  A new backend thus
-- shrank and regrew its heap, a brk() pair and its page faults, on about
-- every third number (strace: 12,766 brk() calls for 20,000 numbers;
-- 59 us a number against 21 us once warm; doc/benchmarks.md).  Freeing a
-- block that malloc() had to mmap() raises glibc's thresholds to its size
-- (the trim threshold to twice it) for the rest of the process, as any
-- large sort or detoasted value does in a long-lived backend.
-- Once a session: the function is IMMUTABLE and takes no argument, so the
-- planner folds a call into the constant true when it first plans the
-- calling expression (e164_parse()'s first condition).
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_heap_warmup()
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	-- a variable, not a constant: a constant argument would be folded too,
	-- and the block kept in the plan
	block_size integer := 1048576;
BEGIN
	PERFORM pg_catalog.length(pg_catalog.repeat(' ', block_size));
	RETURN true;
END
$$;

-- e164_normalize() of e164.c with the policy of e164_policy.c: raw to
-- "+<E.164>", or chr(1) and the E164Result.  region is NULL or a code
-- checked by e164_parse_region(); bare: E164_FLAG_BARE_DIGITS_INTERNATIONAL.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse(raw text, region text, bare boolean)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	digits text;
	d text;
	nn text;
	shortnn text;
	again text;
	lit text;
	rplan hotel_agent.e164_plan;
	sel hotel_agent.e164_plan;
	mainp hotel_agent.e164_plan;
	have_nn boolean;
	natoff integer;
	m integer;
	r integer;
	n integer;
	t text;
	-- (variables without a value cost nothing to set up: every value given
	-- here is an expression PL/pgSQL evaluates on every call)
BEGIN
	-- At most 250 characters, the byte bound first.  The condition also
	-- calls the heap warm-up, which the planner folds into the constant
	-- true when it first plans the expression: it runs once a session.
	IF hotel_agent.e164_parse_heap_warmup()
		AND (octet_length(raw) > 1000 OR (octet_length(raw) > 250 AND length(raw) > 250)) THEN
		RETURN chr(1) || '9';
	END IF;
	IF region IS NOT NULL AND region <> '' THEN
		rplan := hotel_agent.e164_plan_of_region(
			translate(e164_parse.region, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'));
		IF rplan.plan IS NULL THEN
			RETURN chr(1) || '8';
		END IF;
	END IF;

	-- The usual shape, three digits or more and separators, '+' first if
	-- any: what e164_parse_digits() returns for it is the digits with the
	-- '+' (no trimming, no extension, no URI), at the cost of one regular
	-- expression and a call less.
	IF raw ~ '^[- ().\/\[\]]*\+?(?:[- ().\/\[\]]*[0-9]){3}[-0-9 ().\/\[\]]*$' THEN
		digits := translate(raw, ' -.()/[]', '');
	ELSE
		digits := hotel_agent.e164_parse_digits(raw);
		IF starts_with(digits, chr(1)) THEN
			RETURN digits;
		END IF;
	END IF;

	IF starts_with(digits, '+') THEN
		d := substr(digits, 2);
		-- NULL as well for '' and a leading 0
		mainp := hotel_agent.e164_plan_of_calling_code(d);
		IF mainp.plan IS NULL THEN
			RETURN chr(1) || '3';
		END IF;
		sel := mainp;
		natoff := length(mainp.cc::text);
	ELSE
		d := digits;
		m := -1;
		IF rplan.plan IS NOT NULL THEN
			IF rplan.idd_literals IS NOT NULL THEN
				FOREACH lit IN ARRAY rplan.idd_literals LOOP
					IF starts_with(d, lit) THEN
						m := length(lit);
						EXIT;
					END IF;
				END LOOP;
			ELSIF rplan.idd_rx IS NOT NULL THEN
				m := coalesce(length(substring(d FROM rplan.idd_rx)), -1);
			END IF;
		END IF;
		IF m > 0 AND m < length(d) AND substr(d, m + 1, 1) <> '0' THEN
			-- international prefix: the rest is read as after '+'
			d := substr(d, m + 1);
			mainp := hotel_agent.e164_plan_of_calling_code(d);
			IF mainp.plan IS NULL THEN
				RETURN chr(1) || '3';
			END IF;
			sel := mainp;
			natoff := length(mainp.cc::text);
		ELSIF rplan.plan IS NOT NULL THEN
			-- own_code_without_plus(): the region's calling code without '+'
			IF rplan.member = 0 THEN
				mainp := rplan;
			ELSE
				mainp := hotel_agent.e164_plan_of_calling_code(rplan.cc::text);
			END IF;
			t := rplan.cc::text;
			IF NOT starts_with(d, t) THEN
				natoff := -1;
			ELSE
				shortnn := hotel_agent.e164_parse_national(rplan, substr(d, length(t) + 1));
				nn := hotel_agent.e164_parse_national(rplan, d);
				IF (nn !~ rplan.nnp_rx AND shortnn ~ rplan.nnp_rx)
					OR hotel_agent.e164_parse_check_length(rplan.lengths, rplan.min_len, rplan.max_len, length(nn)) = 2 THEN
					nn := shortnn;
					natoff := length(t);
				ELSE
					natoff := 0;
				END IF;
			END IF;
			sel := CASE WHEN natoff > 0 THEN mainp ELSE rplan END;
			IF natoff >= 0 AND sel.plan = rplan.plan THEN
				have_nn := true;
			ELSIF natoff < 0 THEN
				natoff := 0;
			END IF;
		ELSIF bare AND raw ~ '^[ \t-\r]*(?:[wW][hH][aA][tT][sS][aA][pP][pP][:\x1a])?[0-9]+[ \t-\r]*$'
			AND NOT starts_with(d, '0') THEN
			mainp := hotel_agent.e164_plan_of_calling_code(d);
			IF mainp.plan IS NULL THEN
				RETURN chr(1) || '2';
			END IF;
			sel := mainp;
			natoff := length(mainp.cc::text);
		ELSE
			RETURN chr(1) || '2';
		END IF;
	END IF;
	IF length(d) - natoff <= 0 THEN
		RETURN chr(1) || '4';
	END IF;
	-- Below, e164_parse_national() is called only when a national prefix
	-- can start the number (otherwise it returns the number unchanged),
	-- and e164_parse_length_for() only when the plans of the calling code
	-- disagree on the length (otherwise it is e164_parse_check_length(),
	-- written out): every call costs a search_path switch, and most numbers
	-- need none of the three.
	IF have_nn IS NULL THEN
		nn := substr(d, natoff + 1);
		IF NOT (nn = '' OR (sel.npfp_literals IS NULL AND (sel.npfp_rx IS NULL
				OR (sel.npfp_first >> (ascii(nn) - 48)) & 1 <> 1))) THEN
			nn := hotel_agent.e164_parse_national(sel, nn);
		END IF;
	END IF;

	-- A result must normalise to itself: strip again with the calling
	-- code's main plan until nothing changes (e164_normalize()).
	FOR round IN 0 .. 8 LOOP
		-- Mexican legacy mobile "1" before the ten digits
		IF mainp.cc = 52 AND length(nn) = 11 AND starts_with(nn, '1') THEN
			nn := substr(nn, 2);
		END IF;
		IF length(nn) < 2 THEN
			RETURN chr(1) || '4';
		ELSIF length(nn) > 17 THEN
			RETURN chr(1) || '5';
		END IF;
		n := length(nn);
		IF (mainp.cc_agree >> n) & 1 = 1 THEN
			r := CASE
				WHEN mainp.lengths = 0 THEN 0
				WHEN n = mainp.min_len THEN 0
				WHEN n < mainp.min_len THEN 1
				WHEN n > mainp.max_len THEN 2
				WHEN (mainp.lengths >> n) & 1 = 1 THEN 0
				ELSE 3 END;
		ELSE
			r := hotel_agent.e164_parse_length_for(mainp, nn);
		END IF;
		IF r <> 0 THEN
			RETURN chr(1) || CASE r WHEN 1 THEN '4' WHEN 2 THEN '5' ELSE '6' END;
		END IF;
		IF mainp.npfp_literals IS NULL AND (mainp.npfp_rx IS NULL
				OR (mainp.npfp_first >> (ascii(nn) - 48)) & 1 <> 1) THEN
			again := nn;
		ELSE
			again := hotel_agent.e164_parse_national(mainp, nn);
		END IF;
		IF again = nn THEN
			-- E.164: at most 15 digits
			IF length(mainp.cc::text) + length(nn) > 15 THEN
				RETURN chr(1) || '5';
			END IF;
			RETURN '+' || mainp.cc || nn;
		END IF;
		IF round = 8 THEN
			RETURN chr(1) || '1';
		END IF;
		nn := again;
	END LOOP;
	RETURN chr(1) || '1';
END
$$;

-- quoted_input() of identifier.c: raw cut to at most max bytes on a
-- character boundary, "..." when cut, control characters as '?', and the
-- non-ASCII characters escaped when the client encoding may lack them.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_quote(raw text, max integer)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	db constant text := pg_catalog.getdatabaseencoding();
	client constant text := pg_catalog.current_setting('client_encoding');
	esc boolean;
	head text := substr(raw, 1, max);
	out text := '';
	used integer := 0;
	ch text;
	u integer;
BEGIN
	esc := client <> db AND client <> 'UTF8' AND client <> 'SQL_ASCII' AND db <> 'SQL_ASCII';
	FOR i IN 1 .. coalesce(length(head), 0) LOOP
		ch := substr(head, i, 1);
		EXIT WHEN used + octet_length(ch) > max;
		used := used + octet_length(ch);
		u := ascii(ch);
		IF u < 32 OR u = 127 THEN
			out := out || '?';
		ELSIF u < 128 OR NOT esc THEN
			out := out || ch;
		ELSIF db = 'UTF8' THEN
			out := out || CASE WHEN u > 65535 THEN '\U' || lpad(upper(to_hex(u)), 8, '0')
				ELSE '\u' || lpad(upper(to_hex(u)), 4, '0') END;
		ELSE
			out := out || '?';
		END IF;
	END LOOP;
	IF used < octet_length(raw) THEN
		out := out || '...';
	END IF;
	RETURN out;
END
$$;

-- identifier_region_or_error() of identifier.c: the default region as an
-- upper-case code known to the metadata, NULL for NULL, else 22023.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_region(region text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	code text;
BEGIN
	IF region IS NULL THEN
		RETURN NULL;
	END IF;
	IF octet_length(region) = 2 THEN
		code := translate(region, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
		IF code ~ '^[A-Z]{2}$' AND (hotel_agent.e164_plan_of_region(code)).plan IS NOT NULL THEN
			RETURN code;
		END IF;
	END IF;
	RAISE EXCEPTION USING
		ERRCODE = '22023',
		MESSAGE = format('unknown region code: "%s"', hotel_agent.e164_parse_quote(region, 16)),
		DETAIL = 'The default region must be an ISO 3166-1 alpha-2 code known to the phone number metadata.',
		HINT = 'Use a code such as AR, MX, US or GB, or NULL for numbers written in international format.';
END
$$;

-- identifier_normalize() of identifier_kind.c with email_normalize() of
-- email.c: the key of raw, or chr(1) and the failure: P<E164Result>,
-- E<EmailResult>, J (bad user JID), L (bad @lid JID), G, B, C (group,
-- broadcast, channel).
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_identifier(raw text, region text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	ws constant text := E' \t\n\v\f\r';
	t text;
	at integer;
	server text;
	u text[];
	s text;
	dom text;
	r text;
BEGIN
	-- (the e-mail path's loop below would never end on NULL)
	IF raw IS NULL THEN
		RETURN NULL;
	END IF;
	t := btrim(raw, ws);
	at := strpos(reverse(t), '@');
	IF at = 0 THEN
		r := hotel_agent.e164_parse(raw, region, true);
		RETURN CASE WHEN starts_with(r, chr(1)) THEN chr(1) || 'P' || substr(r, 2) ELSE r END;
	END IF;
	at := length(t) - at + 1;
	server := translate(substr(t, at + 1), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');
	IF server IN ('s.whatsapp.net', 'c.us', 'lid') THEN
		u := regexp_match(substr(t, 1, at - 1), '^([0-9]+)(?:\.[0-9]{1,5})?(?::[0-9]{1,5})?$');
		IF server = 'lid' THEN
			IF u IS NULL OR length(u[1]) > 32 THEN
				RETURN chr(1) || 'L';
			END IF;
			RETURN u[1] || '@lid';
		END IF;
		IF u IS NULL THEN
			RETURN chr(1) || 'J';
		END IF;
		-- always international: read as "+<digits>", no region
		r := hotel_agent.e164_parse('+' || u[1], NULL, false);
		RETURN CASE WHEN starts_with(r, chr(1)) THEN chr(1) || 'P' || substr(r, 2) ELSE r END;
	ELSIF server = 'g.us' THEN
		RETURN chr(1) || 'G';
	ELSIF server = 'broadcast' THEN
		RETURN chr(1) || 'B';
	ELSIF server = 'newsletter' THEN
		RETURN chr(1) || 'C';
	END IF;

	-- an e-mail: trim white space and "mailto:" prefixes
	s := rtrim(raw, ws);
	LOOP
		s := ltrim(s, ws);
		EXIT WHEN translate(substr(s, 1, 7), 'MAILTO', 'mailto') <> 'mailto:';
		s := substr(s, 8);
	END LOOP;
	IF octet_length(s) > 254 THEN
		RETURN chr(1) || 'E1';
	END IF;
	IF strpos(s, '@') = 0 THEN
		RETURN chr(1) || 'E2';
	ELSIF strpos(substr(s, strpos(s, '@') + 1), '@') > 0 THEN
		RETURN chr(1) || 'E3';
	ELSIF starts_with(s, '@') THEN
		RETURN chr(1) || 'E4';
	ELSIF length(translate(s, E'\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\x7f', '')) < length(s) THEN
		RETURN chr(1) || 'E6';
	END IF;
	dom := substr(s, strpos(s, '@') + 1);
	IF dom = '' OR starts_with(dom, '.') OR right(dom, 1) = '.' OR strpos(dom, '..') > 0
		OR strpos(dom, '.') = 0 THEN
		RETURN chr(1) || 'E5';
	END IF;
	RETURN translate(s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');
END
$$;

-- report_bad_phone(), report_bad_email() and report_bad_whatsapp() of
-- identifier.c: raises the error of failure code (as returned by
-- e164_parse_identifier(), without its chr(1)) for input raw.
CREATE OR REPLACE FUNCTION hotel_agent.e164_parse_fail(failure text, raw text)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	q constant text := hotel_agent.e164_parse_quote(raw, 64);
	detail text;
	hint text;
BEGIN
	IF starts_with(failure, 'P') THEN
		hint := 'Write the number in international format, e.g. +5491112345678.';
		detail := CASE substr(failure, 2)
			WHEN '1' THEN 'The input is not a phone number.'
			WHEN '2' THEN 'The number has no international prefix and no default region was given.'
			WHEN '3' THEN 'The number does not start with a valid country calling code.'
			WHEN '4' THEN 'The number is too short for its country.'
			WHEN '5' THEN 'The number is too long for its country.'
			WHEN '6' THEN 'The number''s length is not possible for its country.'
			WHEN '7' THEN 'The number can only be dialled locally: it lacks an area code.'
			WHEN '9' THEN 'The input is longer than 250 characters.'
			ELSE 'The number could not be parsed.' END;
		IF failure = 'P2' THEN
			hint := 'Pass a default_region such as ''AR'', or write the number with a leading +.';
		ELSIF failure = 'P7' THEN
			hint := 'Add the area code.';
		END IF;
		RAISE EXCEPTION USING ERRCODE = '22P02',
			MESSAGE = format('invalid phone number: "%s"', q), DETAIL = detail, HINT = hint;
	ELSIF starts_with(failure, 'E') THEN
		detail := CASE substr(failure, 2)
			WHEN '1' THEN 'An e-mail address has at most 254 bytes.'
			WHEN '3' THEN 'An e-mail address has exactly one "@".'
			WHEN '4' THEN 'The part before "@" is empty.'
			WHEN '5' THEN 'The domain must have at least two non-empty labels separated by dots.'
			WHEN '6' THEN 'An e-mail address cannot contain spaces or control characters.'
			ELSE 'The e-mail address could not be parsed.' END;
		RAISE EXCEPTION USING ERRCODE = '22P02',
			MESSAGE = format('invalid e-mail address: "%s"', q), DETAIL = detail,
			HINT = 'Write the address as local-part@example.com.';
	ELSIF failure = 'L' THEN
		RAISE EXCEPTION USING ERRCODE = '22P02',
			MESSAGE = format('invalid WhatsApp JID: "%s"', q),
			DETAIL = 'A WhatsApp @lid JID is up to 32 digits, optionally followed by a device part, before "@lid".',
			HINT = 'Pass the JID as WhatsApp sends it, e.g. 123456789012345:12@lid.';
	ELSIF failure = 'J' THEN
		RAISE EXCEPTION USING ERRCODE = '22P02',
			MESSAGE = format('invalid WhatsApp JID: "%s"', q),
			DETAIL = 'A WhatsApp user JID is the international number in digits, optionally followed by a device part, before "@s.whatsapp.net" or "@c.us".',
			HINT = 'Pass the JID as WhatsApp sends it, e.g. 5491112345678:12@s.whatsapp.net.';
	END IF;
	RAISE EXCEPTION USING ERRCODE = '22P02',
		MESSAGE = format('invalid identifier: "%s"', q),
		DETAIL = CASE failure
			WHEN 'G' THEN 'A WhatsApp group JID names a group, not a person.'
			WHEN 'B' THEN 'A WhatsApp broadcast JID names a status update or a broadcast list, not a person.'
			ELSE 'A WhatsApp channel JID names a channel, not a person.' END,
		HINT = 'Use the JID of the person who wrote (the participant), not the JID of the chat.';
END
$$;

-- The functions of sql/src/c/20_identifier.sql, same declarations.  A NULL
-- default_region skips e164_parse_region(), whose answer would be NULL: one
-- function call (and its search_path switch) less on every call without a
-- region, such as every resolve_tenant().

CREATE OR REPLACE FUNCTION hotel_agent.normalize_e164(raw text, default_region text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	r text;
BEGIN
	IF raw IS NULL THEN
		RETURN NULL;
	END IF;
	-- e164_parse() looks the region up itself (after its length bound) and
	-- fails with '8' when it is unknown: e164_parse_region() and its error
	-- are needed only when the number was not accepted, or for '', which
	-- e164_parse() reads as no region.
	r := hotel_agent.e164_parse(raw, default_region, false);
	IF default_region IS NOT NULL AND (starts_with(r, chr(1)) OR default_region = '') THEN
		PERFORM hotel_agent.e164_parse_region(default_region);
	END IF;
	IF starts_with(r, chr(1)) THEN
		PERFORM hotel_agent.e164_parse_fail('P' || substr(r, 2), raw);
	END IF;
	RETURN r;
END
$$;

CREATE OR REPLACE FUNCTION hotel_agent.try_normalize_e164(raw text, default_region text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	r text;
BEGIN
	IF raw IS NULL THEN
		RETURN NULL;
	END IF;
	-- e164_parse() looks the region up itself (after its length bound) and
	-- fails with '8' when it is unknown: e164_parse_region() and its error
	-- are needed only when the number was not accepted, or for '', which
	-- e164_parse() reads as no region.
	r := hotel_agent.e164_parse(raw, default_region, false);
	IF default_region IS NOT NULL AND (starts_with(r, chr(1)) OR default_region = '') THEN
		PERFORM hotel_agent.e164_parse_region(default_region);
	END IF;
	RETURN CASE WHEN starts_with(r, chr(1)) THEN NULL ELSE r END;
END
$$;

CREATE OR REPLACE FUNCTION hotel_agent.normalize_identifier(raw text, default_region text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	region text;
	r text;
BEGIN
	IF raw IS NULL THEN
		RETURN NULL;
	END IF;
	IF default_region IS NOT NULL THEN
		region := hotel_agent.e164_parse_region(default_region);
	END IF;
	r := hotel_agent.e164_parse_identifier(raw, region);
	IF starts_with(r, chr(1)) THEN
		PERFORM hotel_agent.e164_parse_fail(substr(r, 2), raw);
	END IF;
	RETURN r;
END
$$;

CREATE OR REPLACE FUNCTION hotel_agent.try_normalize_identifier(raw text, default_region text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	region text;
	r text;
BEGIN
	IF raw IS NULL THEN
		RETURN NULL;
	END IF;
	IF default_region IS NOT NULL THEN
		region := hotel_agent.e164_parse_region(default_region);
	END IF;
	r := hotel_agent.e164_parse_identifier(raw, region);
	RETURN CASE WHEN starts_with(r, chr(1)) THEN NULL ELSE r END;
END
$$;

-- e164_match_keys() of e164_policy.c
CREATE OR REPLACE FUNCTION hotel_agent.phone_match_keys(e164 text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
	nsn text := substr(e164, 4);
	l integer := length(e164) - 3;
BEGIN
	IF octet_length(e164) < 2 OR octet_length(e164) > 16 OR e164 !~ '^\+[0-9]+$' THEN
		RAISE EXCEPTION USING ERRCODE = '22P02',
			MESSAGE = format('invalid E.164 number: "%s"', hotel_agent.e164_parse_quote(e164, 64)),
			DETAIL = 'An E.164 number is a "+" followed by 1 to 15 digits.',
			HINT = 'Normalise the number first with hotel_agent.normalize_e164().';
	END IF;
	IF starts_with(e164, '+54') THEN
		IF l = 11 AND nsn ~ '^9[1-3]' THEN
			RETURN ARRAY[e164, '+54' || substr(nsn, 2)];
		ELSIF l = 10 AND nsn ~ '^[1-3]' THEN
			RETURN ARRAY[e164, '+549' || nsn];
		END IF;
	ELSIF starts_with(e164, '+52') THEN
		IF l = 11 AND starts_with(nsn, '1') THEN
			RETURN ARRAY[e164, '+52' || substr(nsn, 2)];
		ELSIF l = 10 THEN
			RETURN ARRAY[e164, '+521' || nsn];
		END IF;
	ELSIF starts_with(e164, '+55') AND nsn ~ '^[1-9][1-9]' THEN
		IF l = 11 AND nsn ~ '^..9[6-9]' THEN
			-- +55 AA 9 XXXXXXXX -> +55 AA XXXXXXXX
			RETURN ARRAY[e164, '+55' || substr(nsn, 1, 2) || substr(nsn, 4)];
		ELSIF l = 10 AND nsn ~ '^..[6-9]' THEN
			RETURN ARRAY[e164, '+55' || substr(nsn, 1, 2) || '9' || substr(nsn, 3)];
		END IF;
	END IF;
	RETURN ARRAY[e164];
END
$$;

CREATE OR REPLACE FUNCTION hotel_agent.e164_metadata_version()
RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
SELECT m.version FROM hotel_agent.e164_metadata m
$$;
