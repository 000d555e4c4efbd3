#!/usr/bin/python3
"""How 2 processes writing 220 MB of new documents share this machine's page cache and disk
(docs/performance.md 2.4.3). Each mode writes TOTAL bytes into new files under DIR, the way the
merge writes documents (buffered pwrites of 1 MiB - 4 KiB, sync_file_range every 8 MiB, fsync at
the end), by 1 or 2 processes, and prints wall and system CPU (children's rusage). The modes run
interleaved, round after round, since the machine's state (the host's page backing) moves.
  scripts/write-experiment.py [--dir DIR] [--rounds N] [--mb 220] [MODE ...]
"""
import argparse, ctypes, mmap, os, resource, statistics, sys, time

_libc = ctypes.CDLL(None, use_errno=True)
_libc.sync_file_range.argtypes = [ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong, ctypes.c_uint]


def sync_file_range(fd, offset, n):  # SYNC_FILE_RANGE_WRITE, as DocumentWriter does every 8 MiB
    _libc.sync_file_range(fd, offset, n, 2)

CHUNK = (1024 - 4) * 1024
WB = 8 << 20
MODES = {
    # name: (processes, same file?, how)
    "one-proc": (1, True, "pwrite"),
    "one-proc-fallocate": (1, True, "pwrite+fallocate"),
    "two-same-file": (2, True, "pwrite"),
    "two-own-files": (2, False, "pwrite"),
    "two-same-fallocate": (2, True, "pwrite+fallocate"),
    "two-own-fallocate": (2, False, "pwrite+fallocate"),
    "one-proc-direct-1": (1, True, "direct1+fallocate"),
    "one-proc-direct-2": (1, True, "direct2+fallocate"),
    "two-own-direct-1": (2, False, "direct1+fallocate"),
    "two-own-direct-2": (2, False, "direct2+fallocate"),
    "one-proc-mmap": (1, True, "mmap"),
    "two-same-mmap": (2, True, "mmap"),
    "two-own-mmap": (2, False, "mmap"),
    "two-same-fsync-one": (2, True, "pwrite+fsync-by-last"),
}


def direct(fd, offset, size, in_flight):
    """O_DIRECT writes of 1 MiB (aligned), `in_flight` threads at once (pwrite drops the GIL)."""
    import threading
    block = 1 << 20
    offsets = list(range(offset, offset + size, block))
    lock = threading.Lock()

    def worker():
        buf = mmap.mmap(-1, block)  # page-aligned memory, as O_DIRECT needs
        buf.write(b"0123456789abcdef" * (block // 16))
        while True:
            with lock:
                if not offsets:
                    return
                at = offsets.pop(0)
            n = min(block, offset + size - at)
            os.pwrite(fd, memoryview(buf)[:n], at)

    threads = [threading.Thread(target=worker) for _ in range(in_flight)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def child(path, offset, size, how, go_r, done_w, fsync):
    os.read(go_r, 1)
    t0 = time.perf_counter()
    fd = os.open(path, os.O_RDWR | (os.O_DIRECT if how.startswith("direct") else 0))
    data = (b"0123456789abcdef" * (CHUNK // 16 + 1))[:CHUNK]
    if how.startswith("direct"):
        direct(fd, offset, size, int(how[6]))
    elif how == "mmap":
        m = mmap.mmap(fd, size + offset % mmap.PAGESIZE, mmap.MAP_SHARED, offset=offset - offset % mmap.PAGESIZE)
        base = offset - offset % mmap.PAGESIZE
        pos = offset - base
        end = pos + size
        sent = offset
        while pos < end:
            n = min(CHUNK, end - pos)
            m[pos:pos + n] = data[:n]
            pos += n
            if base + pos - sent >= WB:
                sync_file_range(fd, sent, base + pos - sent)
                sent = base + pos
        m.close()
    else:
        pos, end, sent = offset, offset + size, offset
        while pos < end:
            n = min(CHUNK, end - pos)
            os.pwrite(fd, data[:n], pos)
            pos += n
            if pos - sent >= WB:
                sync_file_range(fd, sent, pos - sent)
                sent = pos
    if fsync:
        os.fsync(fd)
    os.close(fd)
    os.write(done_w, b"%f\n" % (time.perf_counter() - t0))
    os._exit(0)


def run(mode, d, total, i):
    procs, same, how = MODES[mode]
    half = total // procs
    paths = []
    if same:
        paths = [os.path.join(d, f"{mode}-{i}.doc")] * procs
    else:
        paths = [os.path.join(d, f"{mode}-{i}-{r}.doc") for r in range(procs)]
    t0 = time.perf_counter()
    for p in sorted(set(paths)):
        fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        size = total if same else half
        if "fallocate" in how:
            os.posix_fallocate(fd, 0, size)
        else:
            os.ftruncate(fd, size)
        os.close(fd)
    go_r, go_w = os.pipe()
    done_r, done_w = os.pipe()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pids = []
    for r in range(procs):
        off = r * half if same else 0
        fsync = not (how.endswith("fsync-by-last") and r == 0)
        pid = os.fork()
        if pid == 0:
            try:
                child(paths[r], off, half, how.split("+")[0], go_r, done_w, fsync)
            finally:
                os._exit(1)
        pids.append(pid)
    os.write(go_w, b"x" * procs)
    for pid in pids:
        os.waitpid(pid, 0)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    per = [float(x) for x in os.read(done_r, 4096).split()]
    for fd in (go_r, go_w, done_r, done_w):
        os.close(fd)
    for p in set(paths):
        os.unlink(p)
    return wall, after.ru_stime - before.ru_stime, after.ru_utime - before.ru_utime, max(per)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/work/wt-mergewall2/build/write-experiment")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--mb", type=int, default=220)
    ap.add_argument("--pause", type=float, default=0.0, help="seconds idle before each run")
    ap.add_argument("--writeback-mib", type=int, default=8, help="sync_file_range every this many MiB (0: none)")
    ap.add_argument("modes", nargs="*", default=list(MODES))
    a = ap.parse_args()
    global WB
    WB = (a.writeback_mib << 20) if a.writeback_mib > 0 else 1 << 62
    os.makedirs(a.dir, exist_ok=True)
    total = a.mb * 1000 * 1000 // (2 << 20) * (2 << 20)  # whole MiB per process (O_DIRECT)
    res = {m: [] for m in a.modes}
    for i in range(a.rounds):
        for m in a.modes:
            if a.pause:
                time.sleep(a.pause)
            res[m].append(run(m, a.dir, total, i))
    print(f"{a.mb} MB, {a.rounds} interleaved rounds, load {open('/proc/loadavg').read().split()[0]} at the end; medians (min-max) in s")
    print(f"{'mode':<22}{'wall':>22}{'system CPU':>22}{'user CPU':>10}")
    for m in a.modes:
        w = [r[0] for r in res[m]]
        s = [r[1] for r in res[m]]
        u = [r[2] for r in res[m]]
        print(f"{m:<22}{statistics.median(w):>8.3f} ({min(w):.3f}-{max(w):.3f}){statistics.median(s):>8.3f} ({min(s):.3f}-{max(s):.3f}){statistics.median(u):>10.3f}")


if __name__ == "__main__":
    sys.exit(main())
