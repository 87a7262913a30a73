#!/usr/bin/python3
"""The Debian package (issue 17): build it, inspect it, install it into a
scratch root and serve from the installed files.

Nothing here touches the machine's own root: the package is built by cpack
from the already-built binary of this build tree (no second compile) into a
temporary folder, unpacked by dpkg into a scratch root (`dpkg --root
--unpack`: dpkg's own install up to --configure, which would run postinst),
and `argus serve` runs from that root with the installed
/etc/argus/argus.yaml, its paths moved under the root and the listen address
127.0.0.1:0. The maintainer scripts run against stub commands that only
record what they were asked to do. Checks:
  - the file name argus_<version>_<arch>.deb, the control fields, the
    conffiles, and a Depends entry for the package of every shared library
    the installed binary links (dpkg-shlibdeps at work);
  - the files: binary, models, every file of web/, the config, the unit;
  - shellcheck on the maintainer scripts, and what postinst configure and
    postrm purge do (the argus system user, /var/lib/argus);
  - `systemd-analyze verify` clean on the unit inside the scratch root, and
    `systemd-analyze security` exposure at most 2.0;
  - the installed config names only installed files and /var/lib/argus;
  - the installed server answers GET /readyz "ready", serves the installed
    web client, writes its database under /var/lib/argus and exits 0 on
    SIGTERM.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
from argus_server import ROOT, ArgusServer  # noqa: E402

ARGS = None
SHARE = "/usr/share/argus"
STATE = "/var/lib/argus"
CONFIG = "/etc/argus/argus.yaml"
UNIT = "/lib/systemd/system/argus.service"
# Commands the maintainer scripts may run; each is replaced by a recorder.
SCRIPT_COMMANDS = ["getent", "adduser", "mkdir", "chmod", "chown", "rm", "rmdir",
                   "deb-systemd-helper", "deb-systemd-invoke", "systemctl"]


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def must(cmd, timeout=120, **kw):
    proc = run(cmd, timeout=timeout, **kw)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}:\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def depends_names(field):
    """Package names of a Depends field ("libc6 (>= 2.34), a | b" -> {libc6, a, b})."""
    names = set()
    for clause in field.split(","):
        for alt in clause.split("|"):
            alt = alt.strip()
            if alt:
                names.add(re.split(r"[\s(:]", alt, maxsplit=1)[0])
    return names


def owning_package(path):
    """The Debian package that ships `path` (trying the /usr-merged twins)."""
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        if p.startswith("/usr/"):
            candidates.append(p[len("/usr"):])
        else:
            candidates.append("/usr" + p)
    for p in candidates:
        proc = run(["dpkg-query", "-S", p])
        if proc.returncode == 0:
            return proc.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="argus-package-")
        cls.out = os.path.join(cls.tmp, "out")
        must([ARGS.cpack, "-G", "DEB", "--config", ARGS.cpack_config, "-B", cls.out], timeout=600)
        cls.arch = must(["dpkg", "--print-architecture"]).strip()
        cls.debs = sorted(f for f in os.listdir(cls.out) if f.endswith(".deb"))
        if len(cls.debs) != 1:
            raise AssertionError(f"cpack wrote {cls.debs}, not one .deb")
        cls.deb = os.path.join(cls.out, cls.debs[0])
        cls.control = os.path.join(cls.tmp, "control")
        must(["dpkg-deb", "-e", cls.deb, cls.control])
        cls.fields = {}
        for line in must(["dpkg-deb", "-f", cls.deb]).splitlines():
            if line and not line[0].isspace() and ":" in line:
                key, value = line.split(":", 1)
                cls.fields[key] = value.strip()
        cls.listing = {}
        for line in must(["dpkg-deb", "-c", cls.deb]).splitlines():
            # drwxr-xr-x root/root 0 2024-01-01 00:00 ./usr/bin/
            parts = line.split(None, 5)
            path = parts[5].split(" -> ")[0]
            cls.listing["/" + path.lstrip("./").rstrip("/")] = (parts[0], parts[1])
        cls.root = os.path.join(cls.tmp, "root")
        cls.install(cls.root, cls.deb)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @staticmethod
    def install(root, deb):
        """dpkg -i into `root` short of --configure: a dpkg database of its
        own, --unpack (which would run a preinst; the package has none;
        postinst is tested on its own below)."""
        for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        for f in ("var/lib/dpkg/status", "var/lib/dpkg/available"):
            open(os.path.join(root, f), "w").close()
        # --force-depends: the scratch database knows no libraries (the
        # machine's own are checked against Depends below);
        # --force-not-root for an unprivileged run; --force-script-chrootless
        # only lets dpkg skip chroot, and no script runs at unpack.
        must(["dpkg", "--root", root, "--log", os.path.join(root, "dpkg.log"),
              "--force-depends", "--force-not-root", "--force-script-chrootless",
              "--unpack", deb])
        # dpkg unpacks a new conffile beside its name and renames it at
        # --configure, which would also run postinst (chrootless: on this
        # machine). The rename is the one part of configure done here.
        conffile = os.path.join(root, CONFIG.lstrip("/"))
        if os.path.exists(conffile) or not os.path.exists(conffile + ".dpkg-new"):
            raise AssertionError(f"dpkg did not unpack {CONFIG} as a new conffile")
        os.rename(conffile + ".dpkg-new", conffile)

    # -- the package file ------------------------------------------------------
    def test_file_name_version_and_arch(self):
        self.assertEqual(self.debs, [f"argus_{ARGS.version}_{self.arch}.deb"])
        self.assertEqual(self.fields["Package"], "argus")
        self.assertEqual(self.fields["Version"], ARGS.version)
        self.assertEqual(self.fields["Architecture"], self.arch)
        self.assertTrue(self.fields.get("Maintainer"))

    def test_depends_cover_every_linked_library(self):
        deps = depends_names(self.fields.get("Depends", ""))
        self.assertIn("adduser", deps)
        self.assertIn("init-system-helpers", deps)
        binary = os.path.join(self.root, "usr/bin/argus")
        # The binary's own NEEDED entries (what dpkg-shlibdeps reads), found
        # where the loader finds them.
        needed = re.findall(r"^\s*NEEDED\s+(\S+)", must(["objdump", "-p", binary]), re.M)
        resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", must(["ldd", binary]), re.M))
        self.assertGreater(len(needed), 10, "objdump found too few NEEDED libraries")
        missing = []
        for soname in needed:
            self.assertIn(soname, resolved, f"ldd does not resolve {soname}")
            path = resolved[soname]
            pkg = owning_package(path)
            self.assertIsNotNone(pkg, f"no package ships {path} ({soname})")
            # A library's shlibs may name a virtual package its package
            # Provides (libspdlog1.10 provides libspdlog1.10-fmt9).
            provides = must(["dpkg-query", "-W", "-f=${Provides}", pkg])
            if not ({pkg} | depends_names(provides)) & deps:
                missing.append(f"{soname} ({pkg})")
        self.assertEqual(missing, [], "linked but not in Depends: " + self.fields["Depends"])

    def test_conffiles(self):
        with open(os.path.join(self.control, "conffiles")) as f:
            self.assertEqual(f.read().split(), [CONFIG])
        status = must(["dpkg-query", "--admindir", os.path.join(self.root, "var/lib/dpkg"),
                       "-s", "argus"])
        self.assertRegex(status, r"Status: install ok unpacked")
        self.assertRegex(status, r"Conffiles:\n " + re.escape(CONFIG) + r" ([0-9a-f]{32}|newconffile)\n")

    def test_files(self):
        expected = {"/usr/bin/argus", CONFIG, UNIT,
                    "/usr/share/doc/argus/README.md", "/usr/share/doc/argus/configuration.md"}
        for name in ("argus-sky.onnx", "argus-sky.names", "argus-sky-cls.onnx",
                     "argus-sky-cls.names"):
            expected.add(f"{SHARE}/models/{name}")
        for dirpath, _, files in os.walk(os.path.join(ROOT, "web")):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), os.path.join(ROOT, "web"))
                expected.add(f"{SHARE}/web/{rel}")
        files = {p for p, (mode, _) in self.listing.items() if not mode.startswith("d")}
        self.assertEqual(files, expected)
        self.assertTrue(all(owner == "root/root" for _, owner in self.listing.values()))
        self.assertEqual(self.listing["/usr/bin/argus"][0], "-rwxr-xr-x")
        self.assertEqual(self.listing[CONFIG][0], "-rw-r--r--")
        # the installed binary is stripped (CPACK_STRIP_FILES) and runs
        binary = os.path.join(self.root, "usr/bin/argus")
        self.assertNotIn(".debug_info", must(["objdump", "-h", binary]))
        self.assertIn("serve", must([binary, "--help"]))

    # -- maintainer scripts ----------------------------------------------------
    def test_maintainer_scripts_pass_shellcheck(self):
        scripts = [os.path.join(self.control, s) for s in ("postinst", "prerm", "postrm")]
        for s in scripts:
            self.assertTrue(os.access(s, os.X_OK), s)
        must(["shellcheck", "-s", "sh"] + scripts)

    def run_script(self, name, *args, getent_status=2):
        """Runs maintainer script `name` with PATH holding only recorders of
        SCRIPT_COMMANDS; returns the commands it ran, one string each."""
        stubs = tempfile.mkdtemp(dir=self.tmp)
        log = os.path.join(stubs, "calls.log")
        for cmd in SCRIPT_COMMANDS:
            with open(os.path.join(stubs, cmd), "w") as f:
                status = getent_status if cmd == "getent" else 0
                f.write(f'#!/bin/sh\necho "${{0##*/}} $*" >> "{log}"\nexit {status}\n')
            os.chmod(os.path.join(stubs, cmd), 0o755)
        proc = run(["/bin/sh", os.path.join(self.control, name)] + list(args),
                   env={"PATH": stubs}, cwd=stubs)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        if not os.path.exists(log):
            return []
        with open(log) as f:
            return f.read().splitlines()

    def test_postinst_creates_the_system_user_and_owns_the_data(self):
        calls = self.run_script("postinst", "configure", "")
        adduser = [c for c in calls if c.startswith("adduser ")]
        self.assertEqual(len(adduser), 1, calls)
        self.assertIn("--system", adduser[0].split())
        self.assertIn(f"--home {STATE}", adduser[0])
        self.assertEqual(adduser[0].split()[-1], "argus")
        self.assertIn(f"chown argus:argus {STATE}", calls)
        self.assertIn("deb-systemd-helper enable argus.service", calls)
        # an existing user is kept
        calls = self.run_script("postinst", "configure", "0.0.9", getent_status=0)
        self.assertFalse([c for c in calls if c.startswith("adduser ")], calls)
        self.assertIn(f"chown argus:argus {STATE}", calls)

    def test_postrm_purge_deletes_the_data_and_remove_keeps_it(self):
        calls = self.run_script("postrm", "purge")
        self.assertIn(f"rm -rf {STATE}", calls)
        self.assertFalse([c for c in calls if "deluser" in c or "userdel" in c], calls)
        calls = self.run_script("postrm", "remove")
        self.assertFalse([c for c in calls if c.startswith("rm ")], calls)

    # -- the systemd unit ------------------------------------------------------
    def unit_root(self):
        """The scratch root plus the machine's own units (sysinit.target and
        the rest that verify resolves the unit's dependencies against)."""
        units = os.path.join(self.root, "usr/lib/systemd/system")
        if not os.path.isdir(units):
            shutil.copytree("/usr/lib/systemd/system", units, symlinks=True)
        return self.root

    def test_unit_verifies_clean(self):
        root = self.unit_root()
        proc = run(["systemd-analyze", "verify", "--root", root, "argus.service"])
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        # Unknown keys and bad values are only warnings: any line at all about
        # this unit fails the test.
        noise = [l for l in (proc.stdout + proc.stderr).splitlines() if "argus" in l]
        self.assertEqual(noise, [])

    def test_unit_settings_and_exposure(self):
        with open(os.path.join(self.root, UNIT.lstrip("/"))) as f:
            unit = f.read()
        for line in ("User=argus", f"ExecStart=/usr/bin/argus serve --config {CONFIG}",
                     f"ReadWritePaths={STATE}", "ProtectSystem=strict", "NoNewPrivileges=yes",
                     f"WorkingDirectory={STATE}"):
            self.assertRegex(unit, "(?m)^" + re.escape(line) + "$")
        root = self.unit_root()
        proc = run(["systemd-analyze", "security", "--offline=true", "--threshold=20",
                    "--root", root, "argus.service"])
        self.assertEqual(proc.returncode, 0, proc.stdout[-2000:] + proc.stderr)
        self.assertRegex(proc.stdout, r"Overall exposure level for argus.service: [0-9.]+ OK")

    # -- serving from the installed files ---------------------------------------
    def test_installed_config_names_installed_files(self):
        with open(os.path.join(self.root, CONFIG.lstrip("/"))) as f:
            cfg = yaml.safe_load(f)
        paths = []

        def walk(node):
            if isinstance(node, dict):
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
            elif isinstance(node, str) and node.startswith("/"):
                paths.append(node)
        walk(cfg)
        # Every path argus reads or writes is absolute: the unit's working
        # directory is /var/lib/argus, `argus detect` runs anywhere.
        self.assertEqual(cfg["detector"]["model"], f"{SHARE}/models/argus-sky.onnx")
        self.assertEqual(cfg["detector"]["classifier"], f"{SHARE}/models/argus-sky-cls.onnx")
        self.assertEqual(cfg["server"]["web_root"], f"{SHARE}/web")
        self.assertEqual(cfg["store"]["path"], f"{STATE}/argus.db")
        self.assertEqual(cfg["relay"]["persist_dir"], f"{STATE}/relay")
        for p in paths:
            self.assertTrue(p.startswith(SHARE + "/") or p.startswith(STATE + "/"), p)
            if p.startswith(SHARE):
                self.assertTrue(os.path.exists(os.path.join(self.root, p.lstrip("/"))), p)

    def test_serves_from_the_installed_files(self):
        state = os.path.join(self.root, STATE.lstrip("/"))
        os.makedirs(state, exist_ok=True)  # what postinst does
        with open(os.path.join(self.root, CONFIG.lstrip("/"))) as f:
            text = f.read()
        moved = text.replace(SHARE, self.root + SHARE).replace(STATE, self.root + STATE)
        self.assertNotEqual(moved, text)
        binary = os.path.join(self.root, "usr/bin/argus")
        # cwd: the unit's WorkingDirectory, so nothing resolves in the checkout.
        srv = ArgusServer(binary, moved, data_dir=state, cwd=state)
        try:
            def ready():
                status, body, _ = srv.request("GET", "/readyz")
                return body if status == 200 else None
            body = srv.wait_until("GET /readyz 200", ready)
            self.assertEqual(body["status"], "ready", body)
            self.assertEqual(body["store"]["state"], "ok", body)
            self.assertTrue(os.path.exists(os.path.join(state, "argus.db")))
            cams = srv.get("/cameras")
            self.assertEqual([c["camera_id"] for c in cams["cameras"]], ["cam_01"])
            with urllib.request.urlopen(srv.base + "/", timeout=10) as res:
                page = res.read()
            with open(os.path.join(self.root, SHARE.lstrip("/"), "web/index.html"), "rb") as f:
                self.assertEqual(page, f.read())
            log = srv.log_text()
            self.assertIn(f"detector {self.root}{SHARE}/models/argus-sky.onnx", log)
            web_files = [p for p, (mode, _) in self.listing.items()
                         if p.startswith(SHARE + "/web/") and not mode.startswith("d")]
            self.assertIn(f"web client: {len(web_files)} file(s) from {self.root}{SHARE}/web", log)
        finally:
            rc, _ = srv.stop()
            srv.proc.stdout.close()
        self.assertEqual(rc, 0, "argus serve did not exit 0 on SIGTERM")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpack", required=True)
    ap.add_argument("--cpack-config", required=True, help="the build tree's CPackConfig.cmake")
    ap.add_argument("--version", required=True, help="the project version the file name carries")
    ARGS, rest = ap.parse_known_args()
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
