/**
 * The `--portal HOST[:PORT]` of `iscsi-prep`: the storage's discovery address, as the guide
 * hands it to `iscsiadm -m discovery -t sendtargets -p 10.1.1.1`. HOST is an IPv4 address,
 * a DNS name, or an IPv6 address in brackets (`[fd00::1]:3260`); PORT defaults to 3260, the
 * iSCSI port. Validated here so that nothing the operator typed reaches iscsiadm as an option;
 * addresses follow inet_pton's rules (formats/ip.ts), so `[1:2]` is refused, not passed on.
 */
import { EXIT, OvsError, shown } from '../errors.js';
import { isIPv4, isIPv6 } from '../formats/ip.js';

export const ISCSI_PORT = 3260;

export interface DiscoveryPortal {
  /** Host as typed (IPv6 without brackets). */
  host: string;
  port: number;
  /** `HOST:PORT` (`[V6]:PORT`), the form iscsiadm's `-p` takes. */
  text: string;
}

const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** An IPv4 address (inet_pton's rules), or a DNS name; digits and dots that are no address are a typo. */
function validHost(host: string): boolean {
  if (isIPv4(host)) return true;
  if (/^[\d.]+$/.test(host)) return false;
  return host.length <= 253 && host.replace(/\.$/, '').split('.').every((l) => DNS_LABEL.test(l));
}

function bad(text: string): OvsError {
  return new OvsError(EXIT.DATAERR, `portal '${shown(text)}' is not HOST[:PORT]`, {
    while: 'reading --portal',
    hint: 'give the storage address, e.g. --portal 10.1.1.1 or --portal 10.1.1.1:3260',
  });
}

export function parseDiscoveryPortal(text: string): DiscoveryPortal {
  const t = text.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (!isIPv6(host)) throw bad(text);
  } else if ((t.match(/:/g) ?? []).length > 1) {
    host = t; // a bare IPv6 address: no port can follow it unambiguously
    if (!isIPv6(host)) throw bad(text);
  } else {
    [host = '', portText] = t.split(':');
    if (!validHost(host)) throw bad(text);
  }
  const port = portText === undefined ? ISCSI_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (portText !== undefined && !/^\d{1,5}$/.test(portText))) {
    throw new OvsError(EXIT.DATAERR, `port '${shown(portText)}' of portal '${shown(text)}' is not 1-65535`, { while: 'reading --portal', hint: 'the iSCSI port is normally 3260' });
  }
  const display = host.includes(':') ? `[${host}]` : host;
  return { host, port, text: `${display}:${port}` };
}
