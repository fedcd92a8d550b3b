/**
 * The `--portal HOST[:PORT]` of `iscsi-prep`: the storage's discovery address, as the guide
 * hands it to `iscsiadm -m discovery -t sendtargets -p 10.1.1.1`. HOST is an IPv4 address,
 * a DNS name, or an IPv6 address in brackets (`[fd00::1]:3260`); PORT defaults to 3260, the
 * iSCSI port. Validated here so that nothing the operator typed reaches iscsiadm as an option.
 */
import { EXIT, OvsError, shown } from '../errors.js';

export const ISCSI_PORT = 3260;

export interface DiscoveryPortal {
  /** Host as typed (IPv6 without brackets). */
  host: string;
  port: number;
  /** `HOST:PORT` (`[V6]:PORT`), the form iscsiadm's `-p` takes. */
  text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

function validHost(host: string): boolean {
  const v4 = IPV4.exec(host);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255 && !/^0\d/.test(o));
  if (/^[\d.]+$/.test(host)) return false; // digits and dots but not a quad: a typo, not a name
  return host.length <= 253 && host.replace(/\.$/, '').split('.').every((l) => DNS_LABEL.test(l));
}

function validV6(host: string): boolean {
  return IPV6.test(host) && host.includes(':') && host.split('::').length <= 2;
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
    if (!validV6(host)) throw bad(text);
  } else if ((t.match(/:/g) ?? []).length > 1) {
    host = t; // a bare IPv6 address: no port can follow it unambiguously
    if (!validV6(host)) throw bad(text);
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
