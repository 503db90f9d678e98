"""docker-compose.yml and deploy/ parse and describe the layout docs/scaling.md and the scale check use: HAProxy
round robin with GET /readyz in front of every instance, instances through PgBouncer in transaction mode with a
direct LISTEN connection, one migrate step on a direct connection before any instance starts.
Run: python3 -m unittest discover -s checks/contract -v"""
import configparser
import re
import unittest
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


class DeployExampleTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
        cls.services = cls.compose["services"]
        cls.instances = {name: s for name, s in cls.services.items() if s.get("environment", {}).get("DATABASE_POOLER")}
        cls.haproxy = (ROOT / "deploy" / "haproxy.cfg").read_text()
        cls.pgbouncer = configparser.ConfigParser()
        cls.pgbouncer.read(ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini")

    def test_two_instances_go_through_pgbouncer_in_transaction_mode_and_listen_directly(self):
        self.assertEqual(sorted(self.instances), ["api1", "api2"])
        self.assertEqual(self.pgbouncer["pgbouncer"]["pool_mode"], "transaction")
        port = self.pgbouncer["pgbouncer"]["listen_port"]
        for name, service in self.instances.items():
            environment = service["environment"]
            self.assertEqual(environment["DATABASE_POOLER"], "pgbouncer-transaction", name)
            self.assertIn(f"@pgbouncer:{port}/", environment["DATABASE_URL"], name)
            self.assertIn("@postgres:5432/", environment["DATABASE_LISTEN_URL"], name)
            self.assertEqual(environment["MIGRATE_ON_START"], "false", name)

    def test_one_migrate_step_on_a_direct_connection_runs_before_the_instances(self):
        migrate = self.services["migrate"]
        self.assertEqual(migrate["command"], ["migrate"])
        self.assertIn("@postgres:5432/", migrate["environment"]["DATABASE_URL"])
        for name, service in self.instances.items():
            self.assertEqual(service["depends_on"]["migrate"]["condition"], "service_completed_successfully", name)

    def test_haproxy_balances_round_robin_over_every_instance_checked_with_readyz(self):
        self.assertRegex(self.haproxy, r"\n\s*balance roundrobin\n")
        self.assertRegex(self.haproxy, r"\n\s*option httpchk GET /readyz\n")
        servers = dict(re.findall(r"^\s*server (\S+) (\S+)", self.haproxy, re.M))
        self.assertEqual({name: f"{name}:8080" for name in self.instances}, servers)
        mounted = self.services["haproxy"]["volumes"][0].split(":")[0]
        self.assertEqual((ROOT / mounted).resolve(), (ROOT / "deploy" / "haproxy.cfg").resolve())

    def test_pgbouncer_points_at_the_postgres_service(self):
        self.assertIn("host=postgres port=5432", self.pgbouncer["databases"]["embedded_api"])
        self.assertEqual(self.services["pgbouncer"]["build"], "deploy/pgbouncer")


if __name__ == "__main__":
    unittest.main()
