// What the privacy page says website statistics collect about a visit (W2), from configuration:
// switching the domain lookup off changes the page. Kept beside the privacy page that shows it;
// the collector itself is in src/features/webstats (webstats.privacy.ts re-exports this).
import type { Config } from '../config.ts';

/** What the privacy page says is collected about a visit, from the configuration (W2). */
export function websiteStatisticsItems(config: Config): string[] {
  const w = config.webstats;
  return [
    ...(w.reverseDns
      ? [
          'the Internet domain of your network (for example "xcompany.com" or "yourschool.edu"), found from your network address by a reverse-DNS lookup — the address itself is used only in the server’s memory for that lookup and for counting unique visitors, and is never written down',
        ]
      : []),
    'your browser’s family and major version (for example "Firefox 133") and your operating system’s family (for example "Android") — not the full browser identification',
    'the hour of the visit',
    `the page visited, without anything after "?" in its address${w.queryKeys.length ? ` except ${w.queryKeys.join(', ')}` : ''}, and with record numbers replaced by a placeholder`,
    'the site you came from, as its address only (for example "https://www.example.org"), not the page',
    ...(w.libraryNetworks.length
      ? ['whether you visited from inside a library branch or from elsewhere']
      : []),
  ];
}
