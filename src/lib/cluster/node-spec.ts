/**
 * A node as the operator writes it on the command line: `NAME[=IPV4][:NUMBER]`
 * (`ovs1`, `ovs1=192.168.1.11`, `ovs1:3`, `ovs1.example.com=192.168.1.11:0`). Parsed and
 * checked against the documented cluster.conf rules (ovs-cluster-configure(8)) before anything is read
 * or written; a bad one is exit 65 naming the option and the value.
 */
import { EXIT, OvsError, shown } from '../errors.js';
import { isNodeName } from '../formats/cluster-conf.js';
import { isIPv4 } from '../formats/ip.js';
import { MAX_NODES } from '../formats/cluster-nodes.js';

export interface NodeArg {
  name: string;
  ipAddress?: string;
  number?: number;
  /** The argument as given, for messages. */
  text: string;
}

const SPEC = /^([^=:]*)(?:=([^:]*))?(?::(.*))?$/;

const usage = (option: string) => `write ${option} NAME[=IPV4][:NUMBER], e.g. ${option} ovs1.example.com=192.168.1.11:0`;

function bad(option: string, text: string, why: string, hint: string): OvsError {
  return new OvsError(EXIT.DATAERR, `${option} '${shown(text)}': ${why}`, { while: `reading ${option}`, hint });
}

/** The IPv4 problem of an address a node may use, or undefined. */
export function addressProblem(ip: string): string | undefined {
  if (!isIPv4(ip)) return `'${shown(ip)}' is not an IPv4 address (O2CB speaks IPv4 only)`;
  if (ip.startsWith('127.')) return `${ip} is a loopback address: the other servers could never reach this node on it`;
  if (ip === '0.0.0.0') return '0.0.0.0 is not an address a node can be reached on';
  return undefined;
}

export function parseNodeArg(text: string, option = '--node'): NodeArg {
  const m = SPEC.exec(text);
  if (!m) throw bad(option, text, 'is not NAME[=IPV4][:NUMBER]', usage(option));
  const name = m[1] ?? '';
  const ip = m[2];
  const num = m[3];
  if (!isNodeName(name)) {
    throw bad(option, text, `node name '${shown(name)}' is not a host name (1-64 letters, digits, "-" and ".")`, 'the node name must be the server\'s host name, as `hostname` prints it');
  }
  const node: NodeArg = { name, text };
  if (ip !== undefined) {
    const why = addressProblem(ip);
    if (why) throw bad(option, text, why, `give the address the other pool servers reach ${name} on, or leave it out to resolve ${name}`);
    node.ipAddress = ip;
  }
  if (num !== undefined) {
    if (!/^\d{1,3}$/.test(num) || Number(num) >= MAX_NODES) throw bad(option, text, `node number '${shown(num)}' is not 0-254`, usage(option));
    node.number = Number(num);
  }
  return node;
}

/** Several specs: names (any case) and explicit addresses and numbers must not repeat. */
export function parseNodeArgs(texts: readonly string[], option = '--node'): NodeArg[] {
  const nodes = texts.map((t) => parseNodeArg(t, option));
  const names = new Map<string, NodeArg>();
  const ips = new Map<string, NodeArg>();
  const numbers = new Map<number, NodeArg>();
  const clash = (what: string): OvsError => new OvsError(EXIT.DATAERR, what, { while: `reading ${option}`, hint: 'every node needs its own name, address and number' });
  for (const n of nodes) {
    const key = n.name.toLowerCase();
    if (names.has(key)) throw clash(`node '${shown(n.name)}' is given twice`);
    const sameIp = n.ipAddress === undefined ? undefined : ips.get(n.ipAddress);
    if (sameIp) throw clash(`address ${n.ipAddress} is given to both ${sameIp.name} and ${n.name}`);
    const sameNumber = n.number === undefined ? undefined : numbers.get(n.number);
    if (sameNumber) throw clash(`number ${n.number} is given to both ${sameNumber.name} and ${n.name}`);
    names.set(key, n);
    if (n.ipAddress !== undefined) ips.set(n.ipAddress, n);
    if (n.number !== undefined) numbers.set(n.number, n);
  }
  if (nodes.length > MAX_NODES) throw new OvsError(EXIT.DATAERR, `${nodes.length} nodes given; an O2CB cluster holds at most ${MAX_NODES}`, { while: `reading ${option}` });
  return nodes;
}
