/*
 * bench_e164.c
 *	  Time the E.164 core.
 *
 * Usage: bench_e164 [FILE|-] [REGION] [CALLS]
 *   FILE: inputs, one per line ("-" or absent: a built-in varied list of
 *   Argentine-heavy inputs in the forms the backend sees).
 *   REGION: default region ("" = none), default AR.
 *   CALLS: total calls to time, default 1000000.
 * After one untimed warm-up pass (which compiles the patterns the inputs
 * need), times CALLS calls in 5 rounds and prints the best round's time
 * per call, and the mean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e164.h"

#define BENCH_ROUNDS 5

typedef struct Input
{
	char	   *s;
	size_t		len;
} Input;

static Input *inputs;
static size_t n_inputs,
			cap_inputs;

static void
add_input(const char *s, size_t len)
{
	if (n_inputs == cap_inputs)
	{
		cap_inputs = cap_inputs ? cap_inputs * 2 : 1024;
		inputs = realloc(inputs, cap_inputs * sizeof(Input));
		if (inputs == NULL)
			exit(2);
	}
	inputs[n_inputs].s = malloc(len + 1);
	memcpy(inputs[n_inputs].s, s, len);
	inputs[n_inputs].s[len] = '\0';
	inputs[n_inputs].len = len;
	n_inputs++;
}

/* Deterministic mix of the shapes seen in WhatsApp / web traffic */
static void
builtin_inputs(void)
{
	static const char *const areas[] = {"11", "221", "223", "261", "341", "351", "381", "2966"};
	unsigned int seed = 12345;
	int			i;

	for (i = 0; i < 10000; i++)
	{
		char		buf[96],
					sub[16];
		const char *area;
		int			sublen,
					n = 0;

		seed = seed * 1103515245 + 12345;
		area = areas[(seed >> 8) % 8];
		sublen = 10 - (int) strlen(area);
		seed = seed * 1103515245 + 12345;
		snprintf(sub, sizeof(sub), "%08u", (seed >> 4) % 100000000);
		sub[sublen] = '\0';
		if (sublen > 8)
			sub[8] = '\0';
		switch (i % 10)
		{
			case 0:
				n = snprintf(buf, sizeof(buf), "+549%s%s", area, sub);
				break;
			case 1:
				n = snprintf(buf, sizeof(buf), "+54 9 %s %.4s-%s", area, sub, sub + 4);
				break;
			case 2:
				n = snprintf(buf, sizeof(buf), "0%s 15-%.4s-%s", area, sub, sub + 4);
				break;
			case 3:
				n = snprintf(buf, sizeof(buf), "(0%s) %s", area, sub);
				break;
			case 4:
				n = snprintf(buf, sizeof(buf), "549%s%s", area, sub);
				break;
			case 5:
				n = snprintf(buf, sizeof(buf), "%s %s", area, sub);
				break;
			case 6:
				n = snprintf(buf, sizeof(buf), "+1 650 %.3s %.4s", sub, sub + 3);
				break;
			case 7:
				n = snprintf(buf, sizeof(buf), "+52 1 55 %.4s %.4s", sub, sub + 2);
				break;
			case 8:
				n = snprintf(buf, sizeof(buf), "+44 20 %.4s %.4s", sub, sub + 2);
				break;
			case 9:
				n = snprintf(buf, sizeof(buf), "%s", (i / 10) % 2 ? "hola" : "+54 11");
				break;
		}
		add_input(buf, (size_t) n);
	}
}

int
main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "-";
	const char *region = argc > 2 ? argv[2] : "AR";
	long		calls = argc > 3 ? atol(argv[3]) : 1000000;
	struct timespec t0,
				t1;
	long		done = 0,
				ok = 0;
	size_t		i;
	double		ns,
				best = -1,
				sum = 0;
	int			round;
	char		out[E164_BUFSIZE];

	if (strcmp(file, "-") == 0)
		builtin_inputs();
	else
	{
		FILE	   *f = fopen(file, "r");
		char		line[8192];

		if (f == NULL)
		{
			perror(file);
			return 2;
		}
		while (fgets(line, sizeof(line), f))
		{
			size_t		l = strcspn(line, "\r\n");

			add_input(line, l);
		}
		fclose(f);
	}
	if (n_inputs == 0 || calls <= 0)
	{
		fprintf(stderr, "no inputs\n");
		return 2;
	}
	if (region[0] == '\0')
		region = NULL;

	for (i = 0; i < n_inputs; i++)
		e164_normalize(inputs[i].s, inputs[i].len, region, 0, out);

	/* best of BENCH_ROUNDS rounds: a noisy neighbour slows only some */
	for (round = 0; round < BENCH_ROUNDS; round++)
	{
		long		n = 0;
		long		target = calls / BENCH_ROUNDS + (round < calls % BENCH_ROUNDS);

		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (n < target)
		{
			for (i = 0; i < n_inputs && n < target; i++, n++)
				ok += (e164_normalize(inputs[i].s, inputs[i].len, region, 0, out) == E164_OK);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (n > 0)
		{
			ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (double) n;
			if (best < 0 || ns < best)
				best = ns;
			sum += ns * n;
		}
		done += n;
	}
	printf("bench_e164: %ld calls over %zu inputs (%s), region %s: %.1f ns/number (best of %d rounds; mean %.1f; %ld ok)\n",
		   done, n_inputs, strcmp(file, "-") == 0 ? "built-in" : file,
		   region ? region : "none", best, BENCH_ROUNDS, sum / done, ok);
	return 0;
}
