/*-------------------------------------------------------------------------
 *
 * preload.c
 *	  What the sanitizer runtimes need to work inside Debian's server.
 *
 * make test-sanitize preloads this library into the server, after the
 * AddressSanitizer runtime.  Never part of the extension.
 *
 * swift_demangle: Debian's postgres links libsystemd, hence libgpg-error,
 * whose constructor calls bindtextdomain(): glibc takes its gettext lock
 * and mallocs.  That malloc is the runtime's first call, so the runtime
 * initialises there, and its initialisation looks up swift_demangle (to
 * demangle Swift names in reports); the failed lookup makes dlerror()
 * translate its message, which takes the same gettext lock: the server
 * hangs before main() (gcc 12's and clang 14's runtimes alike).  With the
 * symbol found, no error message is made; NULL means "not a Swift name".
 *
 * __ubsan_default_options: gcc's UndefinedBehaviorSanitizer runtime comes
 * with the library, so it starts in a backend, at its first report, and
 * reads UBSAN_OPTIONS from /proc/self/environ; but a backend has written
 * its process title over that memory (PostgreSQL's ps_status.c), so the
 * options would be lost.  getenv() still works (the server moved its
 * environment before writing the title): this hook, called while the
 * runtime starts, returns them.  And log_path is not enough: gcc's two
 * runtimes each carry their own copy of the report file, and the
 * runtime's call that sets the path is bound to the first runtime loaded,
 * AddressSanitizer's, so the report would go to the server's log.  The
 * hook sets the path of the UBSan runtime's own copy, from
 * SANITIZE_UBSAN_LOG_PATH.
 *
 *-------------------------------------------------------------------------
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

char	   *swift_demangle(const char *name, size_t length, char *out,
						   size_t *out_length, uint32_t flags);
const char *__ubsan_default_options(void);

char *
swift_demangle(const char *name, size_t length, char *out, size_t *out_length,
			   uint32_t flags)
{
	return NULL;
}

const char *
__ubsan_default_options(void)
{
	const char *options = getenv("UBSAN_OPTIONS");
	const char *path = getenv("SANITIZE_UBSAN_LOG_PATH");
	void	   *ubsan = dlopen("libubsan.so.1", RTLD_LAZY | RTLD_NOLOAD);

	if (ubsan != NULL && path != NULL)
	{
		void		(*set_report_path) (const char *);

		set_report_path = (void (*) (const char *))
			dlsym(ubsan, "__sanitizer_set_report_path");
		if (set_report_path != NULL)
			set_report_path(path);
	}
	return options ? options : "";
}
