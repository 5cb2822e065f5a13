/* cmd_keys.c - cairnctl keygen, sign, verify and cert: the operator's
 * side of signed configurations (lib/sign.c) and of the API's client
 * certificates (lib/cert.c).  All local; nothing here talks to cairnd.
 *
 * Exit codes as everywhere in cairnctl: 0 done, 1 failed, 2 bad usage. */
#include "cmd_keys.h"
#include "msg.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "err.h"
#include "sign.h"


#define KEYGEN_PREFIX_DEFAULT "cairn-signer"
#define CERT_DAYS_DEFAULT     825
#define CERT_CN_DEFAULT       "cairn-operator"

/* The messages from lib/ already say which file and why. */
static int failed(const struct cairn_err *e)
{
	fprintf(stderr, "%s\n", e->msg);
	return EXIT_FAIL;
}

/* Options of the form --name VALUE or --name=VALUE, and plain operands. */
struct opt {
	const char *name;     /* "--key" */
	const char **value;
};

/* Parse args against opts; operands go to operand[0..max_ops-1].  Returns
 * the number of operands, or -1 after printing a usage error. */
static int parse(const char *what, int nargs, char **args, const struct opt *opts,
		 const char **operand, int max_ops)
{
	int i, nops = 0;

	for (i = 0; i < nargs; i++) {
		const char *a = args[i];
		const struct opt *o;
		size_t n;

		if (a[0] != '-' || !a[1]) {
			if (nops == max_ops) {
				ctl_usage_error("%s: unexpected argument \"%s\"", what, a);
				return -1;
			}
			operand[nops++] = a;
			continue;
		}
		for (o = opts; o->name; o++) {
			n = strlen(o->name);
			if (!strncmp(a, o->name, n) && (a[n] == 0 || a[n] == '='))
				break;
		}
		if (!o->name) {
			ctl_usage_error("%s: unknown option %s", what, a);
			return -1;
		}
		if (a[n] == '=') {
			*o->value = a + n + 1;
		} else if (i + 1 < nargs) {
			*o->value = args[++i];
		} else {
			ctl_usage_error("%s: %s needs a value", what, o->name);
			return -1;
		}
		if (!**o->value) {
			ctl_usage_error("%s: %s needs a value", what, o->name);
			return -1;
		}
	}
	return nops;
}

/* PREFIX + suffix into out; 0, or a usage error when it does not fit. */
static int with_suffix(char *out, size_t size, const char *prefix, const char *suffix)
{
	if ((size_t)snprintf(out, size, "%s%s", prefix, suffix) >= size)
		return ctl_usage_error("%s: path too long", prefix);
	return 0;
}

static int cmd_keygen(int nargs, char **args)
{
	const char *prefix = KEYGEN_PREFIX_DEFAULT;
	const struct opt opts[] = { { "--out", &prefix }, { NULL, NULL } };
	char priv[PATH_MAX], pub[PATH_MAX];
	struct cairn_err e = { "" };

	if (parse("keygen", nargs, args, opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (with_suffix(priv, sizeof(priv), prefix, ".key") ||
	    with_suffix(pub, sizeof(pub), prefix, ".pub"))
		return EXIT_USAGE;
	if (cairn_keygen(priv, pub, &e) < 0)
		return failed(&e);
	printf("%s: private signer key (keep it secret, mode 0600)\n", priv);
	printf("%s: public key (put it in the image's /etc/cairn/trust/)\n", pub);
	return 0;
}

static int cmd_sign(int nargs, char **args)
{
	const char *key = NULL, *file = NULL;
	const struct opt opts[] = { { "--key", &key }, { NULL, NULL } };
	struct cairn_err e = { "" };

	if (parse("sign", nargs, args, opts, &file, 1) < 0)
		return EXIT_USAGE;
	if (!key || !file)
		return ctl_usage_error("sign: usage: cairnctl sign --key KEY FILE");
	if (cairn_sign_file(key, file, &e) < 0)
		return failed(&e);
	printf("%s.sig: signed with %s\n", file, key);
	return 0;
}

static int cmd_verify(int nargs, char **args)
{
	const char *trust = NULL, *file = NULL;
	const struct opt opts[] = { { "--trust", &trust }, { NULL, NULL } };
	struct cairn_err e = { "" };
	char signer[256];

	if (parse("verify", nargs, args, opts, &file, 1) < 0)
		return EXIT_USAGE;
	if (!trust || !file)
		return ctl_usage_error("verify: usage: cairnctl verify --trust DIR FILE");
	if (cairn_verify_file(file, trust, signer, sizeof(signer), &e) < 0)
		return failed(&e);
	printf("%s: signature ok (signer %s)\n", file, signer);
	return 0;
}

static int cmd_cert_create(int nargs, char **args)
{
	const char *prefix = NULL, *cn = CERT_CN_DEFAULT, *days_s = NULL;
	const struct opt opts[] = {
		{ "--out", &prefix }, { "--cn", &cn }, { "--days", &days_s }, { NULL, NULL },
	};
	char key[PATH_MAX], crt[PATH_MAX], fp[65];
	struct cairn_err e = { "" };
	unsigned long days = CERT_DAYS_DEFAULT;

	if (parse("cert create", nargs, args, opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (!prefix)
		return ctl_usage_error("cert create: usage: cairnctl cert create --out PREFIX "
			     "[--cn NAME] [--days N]");
	if (days_s) {
		char *end;

		errno = 0;
		days = strtoul(days_s, &end, 10);
		if (*end || errno || days_s[0] == '-' || days < 1 || days > CAIRN_CERT_DAYS_MAX)
			return ctl_usage_error("cert create: --days wants 1 to %d, not \"%s\"",
				     CAIRN_CERT_DAYS_MAX, days_s);
	}
	if (with_suffix(key, sizeof(key), prefix, ".key") ||
	    with_suffix(crt, sizeof(crt), prefix, ".crt"))
		return EXIT_USAGE;
	if (cairn_cert_selfsigned(key, crt, cn, (unsigned)days, &e) < 0 ||
	    cairn_cert_fingerprint(crt, fp, &e) < 0)
		return failed(&e);
	printf("%s: certificate for CN=%s, valid %lu days\n", crt, cn, days);
	printf("%s: its private key (mode 0600)\n", key);
	printf("sha256 fingerprint: %s\n", fp);
	return 0;
}

static int cmd_cert(int nargs, char **args)
{
	struct cairn_err e = { "" };
	char fp[65];

	if (nargs >= 1 && !strcmp(args[0], "create"))
		return cmd_cert_create(nargs - 1, args + 1);
	if (nargs >= 1 && !strcmp(args[0], "fingerprint")) {
		if (nargs != 2 || args[1][0] == '-')
			return ctl_usage_error("cert fingerprint: usage: cairnctl cert fingerprint CERT");
		if (cairn_cert_fingerprint(args[1], fp, &e) < 0)
			return failed(&e);
		printf("%s\n", fp);
		return 0;
	}
	return ctl_usage_error("cert: usage: cairnctl cert create --out PREFIX [--cn NAME] [--days N]"
		     " | cairnctl cert fingerprint CERT");
}

int ctl_keys_command(const char *cmd, int nargs, char **args)
{
	if (!strcmp(cmd, "keygen"))
		return cmd_keygen(nargs, args);
	if (!strcmp(cmd, "sign"))
		return cmd_sign(nargs, args);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(nargs, args);
	if (!strcmp(cmd, "cert"))
		return cmd_cert(nargs, args);
	return ctl_usage_error("unknown command \"%s\"", cmd);
}
