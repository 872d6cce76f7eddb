// Speed baseline for hotel_agent.normalize_e164(): Google's C++
// libphonenumber parsing and formatting the same inputs to E.164.
//
//   g++ -O2 -o libphonenumber_bench.bin libphonenumber_bench.cc -lphonenumber
//   ./libphonenumber_bench.bin INPUT_FILE REGION [REPETITIONS]
//
// INPUT_FILE holds one input per line.  Prints
//   libphonenumber_ns_per_number=<float> ok=<n> total=<n>
// where the time is the best of REPETITIONS (default 3) passes over all
// inputs, so a noisy neighbour inflates at most some of the passes.

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static double
now_ns()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	if (argc < 3)
	{
		std::fprintf(stderr, "usage: %s INPUT_FILE REGION [REPETITIONS]\n", argv[0]);
		return 2;
	}

	std::ifstream in(argv[1]);
	if (!in)
	{
		std::fprintf(stderr, "cannot open %s\n", argv[1]);
		return 2;
	}
	std::vector<std::string> inputs;
	std::string line;
	while (std::getline(in, line))
		inputs.push_back(line);

	const std::string region(argv[2]);
	int			reps = argc > 3 ? std::atoi(argv[3]) : 3;
	if (reps < 1)
		reps = 1;

	const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
	double		best = 0;
	size_t		ok = 0;
	size_t		checksum = 0;	/* keeps the formatting from being optimised away */

	for (int r = 0; r < reps; r++)
	{
		PhoneNumber number;
		std::string e164;
		size_t		pass_ok = 0;
		double		t0 = now_ns();

		for (const std::string &s : inputs)
		{
			number.Clear();
			if (util->Parse(s, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
				continue;
			util->Format(number, PhoneNumberUtil::E164, &e164);
			checksum += e164.size();
			pass_ok++;
		}

		double		elapsed = now_ns() - t0;

		if (r == 0 || elapsed < best)
			best = elapsed;
		ok = pass_ok;
	}

	double		per = inputs.empty() ? 0.0 : best / (double) inputs.size();

	std::printf("libphonenumber_ns_per_number=%.1f ok=%zu total=%zu\n",
				per, ok, inputs.size());
	std::fprintf(stderr, "checksum=%zu\n", checksum);
	return 0;
}
