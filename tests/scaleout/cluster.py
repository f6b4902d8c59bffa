"""Several real `python -m bot serve` processes sharing one real Redis, as a PaaS runs them.

The test process hosts what they share besides Redis: the Commerce Layer sandbox, the Slack
stand-in, and the Slack side that sends them signed requests (one `Harness` per process, all on the
same stand-in and sandbox). What users saw is read from the stand-in, one response_url per request;
what Commerce Layer got, from the sandbox's records.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import psutil
from redis.asyncio import Redis

from bot.sandbox import DemoOrder, Sandbox, start_sandbox
from bot.server import Runtime
from bot.slack.sealed import PendingSave, Sealer
from bot.standin import SlackStandIn, start_standin
from bot.standin.payloads import view_submission
from commands.plumbing.modal import FormMeta
from commands.save.views import CARD_ACTION, CARD_BLOCK, CONFIRM_ACTION, SAVE_FORM
from tests.support import Child, bot_env, free_port, spawn_python, wait_until_answering
from tests.support.harness import BOT_TOKEN, CHANNEL, SIGNING_SECRET, TEAM, USER, Harness, Reply
from tests.support.redis_server import RedisServer

PM = "pm_card_visa"
OTHER_USER = "U0SECOND"
WAIT = 60.0  # seconds a user may wait for a final message before the test fails

# What users are told, as the app words it.
SAVED = "saved to the wallet"
ALREADY_IN_WALLET = "already in the wallet"
PRESSED_BEFORE = "already pressed"
UNREACHABLE = "can't be reached"
NOTHING_CHANGED = "Nothing was changed"


@dataclass
class Bot(Child):
    """One `python -m bot serve` (with WEB_CONCURRENCY workers), and the harness that talks to it."""

    harness: Harness
    port: int = 0

    async def in_flight(self) -> int:
        """The work in flight of the worker that answers (with several workers: one of them)."""
        answer = await self.harness.http.get(self.url + "/healthz")
        return int(answer.json()["in_flight"])

    async def health(self) -> dict[str, Any]:
        answer = await self.harness.http.get(self.url + "/healthz")
        assert answer.status_code == 200
        health: dict[str, Any] = answer.json()
        return health

    def workers(self) -> list[psutil.Process]:
        """The worker processes under a WEB_CONCURRENCY parent (none when it serves by itself)."""
        return [child for child in psutil.Process(self.pid).children() if _listens(child, self.port)]

    def connections_by_worker(self) -> dict[int, set[int]]:
        """For each worker, the client ports of the connections it accepted that are still open."""
        return {
            worker.pid: {
                conn.raddr.port
                for conn in worker.net_connections(kind="tcp")
                if conn.laddr and conn.laddr.port == self.port and conn.raddr and conn.status == "ESTABLISHED"
            }
            for worker in self.workers()
        }


def _listens(process: psutil.Process, port: int) -> bool:
    try:
        return any(conn.laddr and conn.laddr.port == port for conn in process.net_connections(kind="tcp"))
    except psutil.Error:
        return False


@dataclass(frozen=True)
class Sent:
    """A request sent to one process, and the response_url its results go to."""

    bot: Bot
    user: str
    response_url: str
    reply: Reply
    order: DemoOrder


@dataclass
class Cluster:
    sandbox: Sandbox
    standin: SlackStandIn
    redis: RedisServer
    workdir: Path
    slack_api_url: str
    sandbox_url: str
    bots: list[Bot] = field(default_factory=list)
    sealer: Sealer = field(default_factory=lambda: Sealer(SIGNING_SECRET))
    _clients: list[httpx.AsyncClient] = field(default_factory=list)

    async def start(self, name: str, *, workers: int | None = None, **settings: str) -> Bot:
        """`python -m bot serve` on its own port with REDIS_URL, and `settings` (e.g. WALLET_SAVE_DEADLINE)."""
        port = free_port()
        env = bot_env(
            port=port,
            slack_api_url=self.slack_api_url,
            bot_token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            sandbox_url=self.sandbox_url,
            redis_url=self.redis.url,
            workers=workers,
            extra=settings,
        )
        log_path = self.workdir / f"{name}.log"
        # cwd is an empty directory, so that no .env of the developer's is read.
        popen = spawn_python(["-m", "bot", "serve"], env=env, cwd=self.workdir, log_path=log_path)
        http = self.client()
        url = f"http://127.0.0.1:{port}"
        # The harness signs and posts; its runtime is in the child process, so settling is the
        # cluster's (wait_finals), never Harness.settle.
        bot = Bot(name, popen, url, log_path, Harness(url, http, self.standin, self.sandbox, cast(Runtime, None)), port)
        self.bots.append(bot)
        return bot

    async def start_all(self, *names: str, workers: int | None = None, **settings: str) -> list[Bot]:
        """Processes started side by side, each answering /healthz before this returns."""
        bots = [await self.start(name, workers=workers, **settings) for name in names]
        await asyncio.gather(*(wait_until_answering(bot, "/healthz", 30.0) for bot in bots))
        # Warm-up, not part of any test: the first request of each process fetches its token.
        await asyncio.gather(*(bot.harness.command("sources 1007") for bot in bots))
        await self.standin.wait_quiet(0.2)
        return bots

    def client(self) -> httpx.AsyncClient:
        http = httpx.AsyncClient(timeout=30)
        self._clients.append(http)
        return http

    def order(self, email: str) -> DemoOrder:
        """A fresh placed order with its own customer, paid by Stripe: demo data is left alone."""
        return self.sandbox.add_order(customer_email=email)

    def confirm_value(self, order: DemoOrder, user: str = USER, pm: str = PM) -> str:
        """The sealed value of the Confirm button that `/wallet save <order> <pm>` shows `user`."""
        return self.sealer.seal(PendingSave(order.id, pm, user, TEAM))

    async def connect(self, bot: Bot) -> tuple[httpx.AsyncClient, int]:
        """A new connection to `bot`, opened with GET /healthz and kept open, and the worker that took it.

        Which worker accepts a connection is the kernel's choice, and it can favour one worker for
        dozens of connections in a row: a test that needs work on each worker opens connections
        until it has one there, and presses on it (`press(via=...)`) before it idles out.
        """
        before = {port for ports in bot.connections_by_worker().values() for port in ports}
        http = self.client()
        await http.get(bot.url + "/healthz")
        (worker,) = [pid for pid, ports in bot.connections_by_worker().items() if ports - before]
        return http, worker

    async def press(
        self,
        bot: Bot,
        order: DemoOrder,
        value: str,
        *,
        user: str = USER,
        response_url: str | None = None,
        own_connection: bool = False,
        via: httpx.AsyncClient | None = None,
    ) -> Sent:
        """Confirm pressed on `bot`; a double click passes the same value and response_url twice.

        `own_connection`: sent on a new connection, left open until the cluster closes; `via`: sent
        on that client's connection (`connect`)."""
        url = response_url or self.standin.new_response_url(CHANNEL, user_id=user)
        harness = bot.harness
        if own_connection or via is not None:
            http = via or self.client()
            harness = Harness(bot.url, http, self.standin, self.sandbox, cast(Runtime, None))
        reply = await harness.press(CONFIRM_ACTION, value, response_url=url, user=user)
        return Sent(bot, user, url, reply, order)

    async def submit(self, bot: Bot, order: DemoOrder, *, user: str = USER, pm: str = PM) -> Sent:
        """The save modal submitted on `bot` for `order`, as Slack sends it once the form was filled.

        The view is one the stand-in does not hold (many users' modals can't share its one modal
        stack), so the result is read from its post to the command's response_url, which the app
        sends beside the modal's update."""
        url = self.standin.new_response_url(CHANNEL, user_id=user)
        view = {
            "id": f"VSCALE{order.number}{user[-4:]}",
            "team_id": TEAM,
            "type": "modal",
            "callback_id": SAVE_FORM,
            "private_metadata": FormMeta(channel=CHANNEL, response_url=url, order=order.id).dumps(),
            "hash": f"{int(time.time())}.{order.number}",
        }
        payload = view_submission(
            bot.harness.who(user), view, {CARD_BLOCK: {CARD_ACTION: pm}}, trigger_id=self.standin.new_trigger_id()
        )
        reply = await bot.harness.interact(payload)
        return Sent(bot, user, url, reply, order)

    def said(self, response_url: str) -> list[str]:
        """Every text posted to `response_url`, in order, the "Saving…" steps left out."""
        return [
            str(call.args.get("text") or "")
            for call in self.standin.calls
            if call.method == "response_url"
            and call.response_url == response_url
            and not str(call.args.get("text") or "").startswith(":hourglass")
        ]

    def final(self, sent: Sent) -> str:
        said = self.said(sent.response_url)
        return said[-1] if said else ""

    async def wait_finals(self, sent: Iterable[Sent], timeout: float = WAIT) -> None:
        """Until every request's user has a final message, then until Slack hears nothing for a moment
        (a second message to anyone would show)."""
        pending = list(sent)
        deadline = time.monotonic() + timeout
        while pending := [one for one in pending if not self.said(one.response_url)]:
            if time.monotonic() > deadline:
                shown = ", ".join(f"#{one.order.number} on {one.bot.name}" for one in pending[:5])
                raise AssertionError(f"{len(pending)} users got no final message within {timeout} s: {shown}")
            await asyncio.sleep(0.05)
        await self.standin.wait_quiet(0.3)

    def stripe_payments(self, order: DemoOrder) -> int:
        """Stripe payment sources Commerce Layer holds for the order."""
        return len(self.sandbox.stripe_payments_for(order.id))

    def wallet_cards(self, order: DemoOrder) -> list[str | None]:
        return [source.payment_source_token for source in self.sandbox.wallet(order.customer_id)]

    async def aclose(self) -> None:
        for bot in self.bots:
            if bot.popen.poll() is None:
                await asyncio.to_thread(bot.kill)
        for http in self._clients:
            await http.aclose()


@asynccontextmanager
async def cluster(workdir: Path, redis: RedisServer) -> AsyncIterator[Cluster]:
    """A sandbox and a Slack stand-in here, a fresh Redis keyspace; the caller starts the processes."""
    if not redis.running:  # a test stopped it
        redis.start()
    await _flush(redis)
    sandbox = Sandbox()
    sandbox_server = await start_sandbox(sandbox, host="127.0.0.1", port=0)
    standin = SlackStandIn(bot_token=BOT_TOKEN)
    standin_server = await start_standin(standin)
    running = Cluster(sandbox, standin, redis, workdir, standin_server.api_url, sandbox_server.url)
    try:
        yield running
    finally:
        await running.aclose()
        await standin_server.stop()
        await sandbox_server.stop()


async def _flush(redis: RedisServer) -> None:
    client = Redis.from_url(redis.url)
    try:
        await client.flushall()
    finally:
        await client.aclose()


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.01)
