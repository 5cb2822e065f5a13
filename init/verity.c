/* verity.c - dm-verity for the root partition (see verity.h).
 *
 * Trust: only the root hash comes from the command line.  Everything read
 * from the hash partition's superblock is untrusted: the algorithm and the
 * block sizes must be the ones cairn builds with, and the block count and
 * salt cannot be forged because they shape the tree whose top must hash
 * to the root hash.  The hash tree starts one 4096-byte block after the
 * superblock (veritysetup's default layout), hence hash_start_block 1.
 *
 * On corruption the target uses dm-verity's default: the bad block reads
 * as EIO (no restart_on_corruption / panic_on_corruption).  A host whose
 * slot was already blessed keeps running and can be repaired remotely; a
 * reboot loop could not be.  Stage 1 turns an unreadable first block into
 * a refused boot, and a slot whose programs fail to read never comes up,
 * is never blessed, and loses its boot tries (the A/B rollback). */
#include "verity.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "console.h"
#include "dm.h"
#include "partition.h"

#define VERITY_WAIT_MS  10000  /* the root was found: its disk is there */
#define VERITY_DM_NAME  "cairn-root"
#define SHA256_HEX      64

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

/* struct verity_sb of cryptsetup (lib/verity/verity.c), little endian:
 *   0 signature "verity\0\0"   8 version u32     12 hash_type u32
 *  16 uuid[16]                32 algorithm[32]   64 data_block_size u32
 *  68 hash_block_size u32     72 data_blocks u64 80 salt_size u16
 *  88 salt[256]              344 padding to 512 */
int verity_sb_parse(const unsigned char *sb, size_t len, struct verity_sb_info *out,
		    char *why, size_t why_size)
{
	memset(out, 0, sizeof(*out));
#define BAD(...) do { snprintf(why, why_size, __VA_ARGS__); return -EINVAL; } while (0)
	if (len < VERITY_SB_SIZE)
		BAD("superblock truncated (%zu bytes)", len);
	if (memcmp(sb, "verity\0\0", 8) != 0)
		BAD("no veritysetup superblock (signature missing)");
	if (le32(sb + 8) != 1)
		BAD("superblock version %" PRIu32 ", expected 1", le32(sb + 8));
	if (le32(sb + 12) != 1)
		BAD("hash type %" PRIu32 ", expected 1 (normal)", le32(sb + 12));
	char alg[33];
	memcpy(alg, sb + 32, 32);
	alg[32] = '\0';
	if (strcmp(alg, "sha256") != 0)
		BAD("hash algorithm \"%.32s\", expected sha256", alg);
	if (le32(sb + 64) != VERITY_BLOCK || le32(sb + 68) != VERITY_BLOCK)
		BAD("block sizes %" PRIu32 "/%" PRIu32 ", expected %d/%d", le32(sb + 64),
		    le32(sb + 68), VERITY_BLOCK, VERITY_BLOCK);
	out->data_blocks = le64(sb + 72);
	if (out->data_blocks == 0 || out->data_blocks > (UINT64_MAX >> 12) / VERITY_BLOCK)
		BAD("implausible data block count %" PRIu64, out->data_blocks);
	unsigned salt = le16(sb + 80);
	if (salt > VERITY_SALT_MAX)
		BAD("salt of %u bytes, at most %d", salt, VERITY_SALT_MAX);
#undef BAD
	if (salt == 0)
		strcpy(out->salt_hex, "-");
	for (unsigned i = 0; i < salt; i++)
		snprintf(out->salt_hex + 2 * i, 3, "%02x", sb[88 + i]);
	const unsigned char *u = sb + 16;
	snprintf(out->uuid, sizeof(out->uuid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
	return 0;
}

static int read_at(const char *dev, void *buf, size_t len, off_t off)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = pread(fd, buf, len, off);
	int r = n < 0 ? -errno : (size_t)n < len ? -EIO : 0;
	close(fd);
	return r;
}

static int dev_info(const char *dev, dev_t *rdev, uint64_t *bytes)
{
	struct stat st;
	if (stat(dev, &st) < 0)
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	*rdev = st.st_rdev;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = ioctl(fd, BLKGETSIZE64, bytes) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int copy_out(char *out, size_t size, const char *dev)
{
	return snprintf(out, size, "%s", dev) >= (int)size ? -ENAMETOOLONG : 0;
}

/* Loud on purpose: an unverified root must not look like a normal boot. */
static void warn_insecure(const char *raw_dev)
{
	say("################################################################");
	say("WARNING: cairn.insecure: no cairn.roothash, the root is NOT verified.");
	say("WARNING: mounting %s as it is; anyone who can write the disk", raw_dev);
	say("WARNING: can change what this host runs.  Never ship this command line.");
	say("################################################################");
}

#define WHY(...) snprintf(why, why_size, __VA_ARGS__)

int verity_setup(const struct init_opts *o, const char *raw_dev, char *out, size_t size,
		 char *why, size_t why_size)
{
	char label[96], hash_dev[128], sb_why[128], params[1024];
	unsigned char sb[VERITY_SB_SIZE];
	struct verity_sb_info info;
	dev_t data_rdev, hash_rdev;
	uint64_t data_bytes, hash_bytes;
	int r;

	/* 1. the trust anchor, or the explicit choice to do without */
	if (!o->roothash[0]) {
		if (!o->insecure) {
			say("dm-verity: no cairn.roothash= on the kernel command line: refusing "
			    "to mount %s unverified (cairn.insecure would allow it)", raw_dev);
			WHY("no cairn.roothash: the root cannot be verified");
			return -EPERM;
		}
		warn_insecure(raw_dev);
		return copy_out(out, size, raw_dev);
	}
	if (strlen(o->roothash) != SHA256_HEX) {
		say("dm-verity: cairn.roothash has %zu hex digits; a sha256 root hash has %d",
		    strlen(o->roothash), SHA256_HEX);
		WHY("malformed cairn.roothash");
		return -EINVAL;
	}

	/* 2. the hash partition and what its superblock says */
	snprintf(label, sizeof(label), "cairn-verity-%s", o->slot);
	r = partition_wait(label, VERITY_WAIT_MS, hash_dev, sizeof(hash_dev));
	if (r < 0) {
		WHY("hash partition \"%s\" not found", label);
		return r;
	}
	r = read_at(hash_dev, sb, sizeof(sb), 0);
	if (r < 0) {
		say_err(r, "dm-verity: reading the superblock of %s", hash_dev);
		WHY("cannot read the verity superblock on %s", hash_dev);
		return r;
	}
	r = verity_sb_parse(sb, sizeof(sb), &info, sb_why, sizeof(sb_why));
	if (r < 0) {
		say("dm-verity: %s (\"%s\"): %s", hash_dev, label, sb_why);
		WHY("bad verity superblock on %s", hash_dev);
		return r;
	}
	if ((r = dev_info(raw_dev, &data_rdev, &data_bytes)) < 0 ||
	    (r = dev_info(hash_dev, &hash_rdev, &hash_bytes)) < 0) {
		say_err(r, "dm-verity: %s or %s", raw_dev, hash_dev);
		WHY("cannot size the root or hash partition");
		return r;
	}
	if (info.data_blocks > data_bytes / VERITY_BLOCK) {
		say("dm-verity: the superblock on %s covers %" PRIu64 " blocks, but %s holds "
		    "only %" PRIu64, hash_dev, info.data_blocks, raw_dev, data_bytes / VERITY_BLOCK);
		WHY("verity superblock does not fit the root partition");
		return -EINVAL;
	}
	say("dm-verity: %s: %" PRIu64 " blocks of %s, salt %.16s..., tree on %s (uuid %s)",
	    label, info.data_blocks, raw_dev, info.salt_hex, hash_dev, info.uuid);

	/* 3. the read-only verity target; corrupted blocks read as EIO */
	snprintf(params, sizeof(params), "1 %u:%u %u:%u %d %d %" PRIu64 " 1 sha256 %s %s",
		 major(data_rdev), minor(data_rdev), major(hash_rdev), minor(hash_rdev),
		 VERITY_BLOCK, VERITY_BLOCK, info.data_blocks, o->roothash, info.salt_hex);
	char uuid[64];
	snprintf(uuid, sizeof(uuid), "CAIRN-VERITY-%s", o->slot);
	r = dm_create_readonly(VERITY_DM_NAME, uuid, info.data_blocks * (VERITY_BLOCK / 512),
			       "verity", params, out, size);
	if (r < 0) {
		WHY("cannot create the dm-verity device (is dm_verity loaded?)");
		return r;
	}

	/* 4. prove the root hash now: reading block 0 walks the tree from the
	 * root hash down, so a wrong hash fails here, with a clear message,
	 * not later as a puzzling mount error. */
	unsigned char block[VERITY_BLOCK];
	r = read_at(out, block, sizeof(block), 0);
	if (r < 0) {
		say_err(r, "dm-verity: reading the first block of %s", out);
		say("dm-verity: VERIFICATION FAILED: %s does not match cairn.roothash=%s "
		    "(a wrong root hash, or a corrupted root or hash partition)", raw_dev,
		    o->roothash);
		dm_remove(VERITY_DM_NAME);
		WHY("the root does not verify against cairn.roothash (dm-verity)");
		return r;
	}
	say("dm-verity: %s matches cairn.roothash=%.16s...: mounting %s, every block "
	    "verified as it is read", raw_dev, o->roothash, out);
	return 0;
}
