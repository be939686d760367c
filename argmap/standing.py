"""Which claims stand: each node labelled in, out or undecided by grounded semantics, and why.

Attacks: a counter attacks its parent; a link with relation "counter" attacks its target; a
"contradiction" link attacks both ways; supports attack nothing. An undercut (a counter, or a
counter link, marked undercut) attacks the inference of the node it points to rather than
that node: while the undercut is in, that node's attack on its own parent is cancelled (an
undercut of a support, or of a claim, cancels nothing). A node is in when every attack on it
comes from an attacker that is out or is cancelled; out when some attack on it comes from an
attacker that is in and is not cancelled; undecided otherwise. The labelling is the least
fixed point (the grounded one), found in time linear in the map's size by propagation.

Pure: it reads a MapData and imports only the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import MapData

IN, OUT, UNDECIDED = "in", "out", "undecided"
LABELS = (IN, OUT, UNDECIDED)
QUOTED = 50  # characters of a node's text quoted in a reason
UNATTACKED = "in: nothing attacks it"


@dataclass
class Attack:
    """One attack: who attacks whom, and the undercuts that would cancel it."""

    attacker: str
    target: str
    undercuts: list[str] = field(default_factory=list)


@dataclass
class Standing:
    """The labels and the one-line reasons, by node key."""

    labels: dict[str, str]
    why: dict[str, str]


def attacks_of(data: MapData) -> list[Attack]:
    """Every attack of the map, each with the undercuts of the inference it rests on."""
    found: list[Attack] = []
    parent_attack: dict[str, Attack] = {}
    undercutters: list[tuple[str, str]] = []  # (undercut, the node whose inference it attacks)
    for node in data.nodes:
        if node.parent is None or node.kind != "counter":
            continue
        if node.undercut:
            undercutters.append((node.key, node.parent))
        else:
            parent_attack[node.key] = Attack(node.key, node.parent)
            found.append(parent_attack[node.key])
    for link in data.links:
        if link.relation == "counter" and link.undercut:
            undercutters.append((link.source, link.target))
        elif link.relation == "counter":
            found.append(Attack(link.source, link.target))
        elif link.relation == "contradiction":
            found += [Attack(link.source, link.target), Attack(link.target, link.source)]
    for undercut, inference_of in undercutters:
        if inference_of in parent_attack:
            parent_attack[inference_of].undercuts.append(undercut)
    return found


def label(data: MapData) -> Standing:
    """The grounded labelling of the map and a reason for each label."""
    attacks = attacks_of(data)
    keys = [n.key for n in data.nodes]
    labels = dict.fromkeys(keys, UNDECIDED)
    on = {k: [] for k in keys}  # attacks on each node
    by = {k: [] for k in keys}  # attacks each node makes
    cancelling = {k: [] for k in keys}  # attacks each node, as an undercut, would cancel
    open_attacks = dict.fromkeys(keys, 0)  # attacks on a node not yet known to fail
    open_undercuts = [len(a.undercuts) for a in attacks]  # undercuts not yet known to be out
    cancelled = [False] * len(attacks)
    failed = [False] * len(attacks)
    for index, attack in enumerate(attacks):
        on[attack.target].append(index)
        by[attack.attacker].append(index)
        open_attacks[attack.target] += 1
        for undercut in attack.undercuts:
            cancelling[undercut].append(index)
    todo = [k for k in keys if open_attacks[k] == 0]
    for k in todo:
        labels[k] = IN

    def fail(index: int) -> None:
        """The attack is known to fail: its target may now be in."""
        if failed[index]:
            return
        failed[index] = True
        target = attacks[index].target
        open_attacks[target] -= 1
        if open_attacks[target] == 0 and labels[target] == UNDECIDED:
            labels[target] = IN
            todo.append(target)

    def stands(index: int) -> bool:
        """Whether the attack is known to succeed: attacker in and every undercut out."""
        return labels[attacks[index].attacker] == IN and open_undercuts[index] == 0

    def strike(index: int) -> None:
        """The attack succeeds: its target is out."""
        target = attacks[index].target
        if labels[target] == UNDECIDED:
            labels[target] = OUT
            todo.append(target)

    while todo:
        at = todo.pop()
        if labels[at] == IN:
            for index in by[at]:
                if stands(index):
                    strike(index)
            for index in cancelling[at]:
                cancelled[index] = True
                fail(index)
        else:
            for index in by[at]:
                fail(index)
            for index in cancelling[at]:
                open_undercuts[index] -= 1
                if stands(index):
                    strike(index)
    texts = {n.key: n.text for n in data.nodes}
    return Standing(labels, reasons(texts, attacks, labels, on, cancelled))


def quoted(texts: dict[str, str], key: str) -> str:
    """A node's text, shortened, in quotes."""
    text = " ".join(texts[key].split())
    return f"“{text[: QUOTED - 1] + '…' if len(text) > QUOTED else text}”"


def reasons(
    texts: dict[str, str],
    attacks: list[Attack],
    labels: dict[str, str],
    on: dict[str, list[int]],
    cancelled: list[bool],
) -> dict[str, str]:
    """One line per node saying why it has its label."""
    why = {}
    for key, mark in labels.items():
        if not on[key]:
            why[key] = UNATTACKED
            continue
        mine = [attacks[i] for i in on[key]]
        if mark == IN:
            why[key] = in_reason(texts, mine, [cancelled[i] for i in on[key]], labels)
        elif mark == OUT:
            why[key] = out_reason(texts, mine, labels)
        else:
            why[key] = undecided_reason(texts, mine, labels)
    return why


def in_reason(texts: dict, mine: list[Attack], cancel: list[bool], labels: dict) -> str:
    """Why a node is in: unattacked, or each attack fails."""
    for attack, is_cancelled in zip(mine, cancel, strict=True):
        if is_cancelled and labels[attack.attacker] != "out":
            undercut = next(u for u in attack.undercuts if labels[u] == IN)
            return (
                f"in: the objection {quoted(texts, attack.attacker)} is undercut by"
                f" {quoted(texts, undercut)}, which stands"
            )
    if len(mine) == 1:
        return f"in: its only attacker {quoted(texts, mine[0].attacker)} is out"
    return f"in: all {len(mine)} of its attackers are out"


def out_reason(texts: dict, mine: list[Attack], labels: dict) -> str:
    """Why a node is out: the attack that succeeds."""
    for attack in mine:
        if labels[attack.attacker] == IN and all(labels[u] == OUT for u in attack.undercuts):
            return f"out: attacked by {quoted(texts, attack.attacker)}, which stands unanswered"
    raise AssertionError("an out node has a standing attacker")


def undecided_reason(texts: dict, mine: list[Attack], labels: dict) -> str:
    """Why a node is undecided: an attack whose outcome is open (a cycle of attacks)."""
    for attack in mine:
        if labels[attack.attacker] == UNDECIDED:
            return (
                f"undecided: attacked by {quoted(texts, attack.attacker)}, which is itself"
                " undecided (attacks that go round in a cycle)"
            )
    for attack in mine:
        open_undercut = next((u for u in attack.undercuts if labels[u] == UNDECIDED), None)
        if open_undercut is not None:
            return (
                f"undecided: attacked by {quoted(texts, attack.attacker)}, whose undercut"
                f" {quoted(texts, open_undercut)} is undecided"
            )
    raise AssertionError("an undecided node has an open attack")
