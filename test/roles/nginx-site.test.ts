import { expect } from 'chai';
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import { cloneSite, type NginxSiteProps, nginxSite } from '../../roles/nginx-site/index.ts';
import { assertConverges, compileRole, type DebianRoot, debianRoot, renderChecked, testHost } from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { patience } from '../support/patience.ts';

// The support site's nginx file as the clone procedure of reference 000 finds it: Certbot's lines
// and a last server block that redirects plain HTTP to the real host name.
const SUPPORT = `server {
    server_name support.bioconductor.org;
    location / {
        proxy_pass http://127.0.0.1:8080;
    }
    listen 443 ssl; # managed by Certbot
    ssl_certificate /etc/letsencrypt/live/support.bioconductor.org/fullchain.pem; # managed by Certbot
    ssl_certificate_key /etc/letsencrypt/live/support.bioconductor.org/privkey.pem; # managed by Certbot
    include /etc/letsencrypt/options-ssl-nginx.conf; # managed by Certbot
    ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem; # managed by Certbot
}
server {
    if ($host = support.bioconductor.org) {
        return 301 https://$host$request_uri;
    } # managed by Certbot
    listen 80;
    server_name support.bioconductor.org;
    return 404; # managed by Certbot
}
`;

const CLONED = `server {
    server_name 34.207.62.169;
    location / {
        proxy_pass http://127.0.0.1:8080;
    }
    # listen 443 ssl; # managed by Certbot
    # ssl_certificate /etc/letsencrypt/live/34.207.62.169/fullchain.pem; # managed by Certbot
    # ssl_certificate_key /etc/letsencrypt/live/34.207.62.169/privkey.pem; # managed by Certbot
    # include /etc/letsencrypt/options-ssl-nginx.conf; # managed by Certbot
    # ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem; # managed by Certbot
}
# server {
    # if ($host = 34.207.62.169) {
        # return 301 https://$host$request_uri;
    # } # managed by Certbot
    # listen 80;
    # server_name 34.207.62.169;
    # return 404; # managed by Certbot
# }
`;

describe('roles/nginx-site', () => {
  const plan = (props: NginxSiteProps) => compileRole(nginxSite(props), { host: testHost() });
  const siteFile = (props: NginxSiteProps) =>
    plan(props).steps.find((step) => step.diff?.path === `/etc/nginx/sites-available/${props.name}`)?.diff?.desired;

  describe('the support-site clone procedure as parameters', () => {
    const clone = { replace: [{ from: 'support.bioconductor.org', to: '34.207.62.169' }], commentOutLastServer: true };

    it("replaces the host name, comments out Certbot's lines and the last server block", () => {
      expect(siteFile({ name: 'support', content: SUPPORT, clone })).to.equal(CLONED);
    });

    it('is idempotent: a cloned site cloned again is the same file', () => {
      expect(cloneSite(CLONED, { replace: clone.replace }, 'nginxSite(support)')).to.equal(CLONED);
    });

    it('comments out only the Certbot lines by default, and none with commentOut: false', () => {
      const certbotOnly = cloneSite(SUPPORT, {}, 'w');
      expect(
        certbotOnly
          .split('\n')
          .filter((line) => line.includes('managed by Certbot'))
          .every((line) => /^\s*# /.test(line)),
      ).to.equal(true);
      expect(certbotOnly).to.contain('\n    server_name support.bioconductor.org;');
      expect(cloneSite(SUPPORT, { commentOut: false }, 'w')).to.equal(SUPPORT);
    });
  });

  describe('the steps', () => {
    it('installs nginx, writes the site validated by nginx -t, links it, removes the default site, keeps nginx running', () => {
      const compiled = plan({ name: 'blot', content: 'server { listen 80; }\n', removeDefault: true });
      expect(compiled.steps.map((step) => step.name)).to.deep.equal([
        'package nginx present',
        'file /etc/nginx/sites-available/blot',
        'symlink /etc/nginx/sites-enabled/blot',
        'absent /etc/nginx/sites-enabled/default',
        'service nginx enabled running',
      ]);
      expect(compiled.steps.slice(1, 4).every((step) => step.notify.includes('reload nginx'))).to.equal(true);
      expect(compiled.handlers.map((each) => each.handler)).to.deep.equal(['reload nginx']);
      const script = renderChecked(compiled).script;
      expect(script).to.contain('nginx -t -q -c "$conf"').and.to.contain('nginx -t -q || exit 1');
    });

    it('a disabled site has no link; an unmanaged nginx is neither started nor reloaded', () => {
      const compiled = plan({ name: 'blot', content: 'server {}\n', enabled: false, state: 'unmanaged', installPackage: false });
      expect(compiled.steps.map((step) => step.name)).to.deep.equal([
        'file /etc/nginx/sites-available/blot',
        'absent /etc/nginx/sites-enabled/blot',
      ]);
      expect(compiled.handlers).to.deep.equal([]);
    });
  });

  describe('refused input names the field', () => {
    const cases: [string, unknown, RegExp][] = [
      ['a name with a slash', { name: '../x', content: '' }, /^nginxSite\.name$/],
      ['an unknown parameter', { name: 'x', content: '', listen: 80 }, /listen/],
      ['content and template together', { name: 'x', content: '', template: '/t.j2' }, /^nginxSite\(x\)\.template$/],
      ['neither content nor template', { name: 'x' }, /^nginxSite\(x\)\.content$/],
      [
        'an empty host name to replace',
        { name: 'x', content: '', clone: { replace: [{ from: '', to: 'y' }] } },
        /^nginxSite\(x\)\.clone\.replace\[0\]\.from$/,
      ],
      [
        'a replacement with a line break',
        { name: 'x', content: '', clone: { replace: [{ from: 'a', to: 'b\nc' }] } },
        /^nginxSite\(x\)\.clone\.replace\[0\]\.to$/,
      ],
      ['an unknown clone option', { name: 'x', content: '', clone: { ip: '1.2.3.4' } }, /ip/],
      [
        'a last server block to comment out in a site without one',
        { name: 'x', content: 'upstream a {}\n', clone: { commentOutLastServer: true } },
        /^nginxSite\(x\)\.clone\.commentOutLastServer$/,
      ],
      [
        'removing the default site named default',
        { name: 'default', content: '', removeDefault: true },
        /^nginxSite\(default\)\.removeDefault$/,
      ],
      ['an unknown state', { name: 'x', content: '', state: 'stopped' }, /^nginxSite\(x\)\.state$/],
    ];
    for (const [what, props, field] of cases) {
      it(what, () => {
        expect(() => plan(props as NginxSiteProps))
          .to.throw(ValidationError)
          .with.property('field')
          .that.matches(field);
      });
    }
  });
});

// An image built in a chroot: nginx from apt (policy-rc.d keeps it from starting), the site
// checked by nginx -t before it lands, linked, the default site gone; nothing is reloaded.
describe('roles/nginx-site (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(10 * 60_000));
  let root: DebianRoot;
  after(() => root?.dispose());

  it('converges, and nginx -t accepts the whole configuration', async () => {
    root = await debianRoot(testBaseRecipe());
    const role = nginxSite({
      name: 'support',
      content: SUPPORT,
      clone: { replace: [{ from: 'support.bioconductor.org', to: '34.207.62.169' }], commentOutLastServer: true },
      removeDefault: true,
      state: 'unmanaged',
    });
    // The default site arrives with the package, so check mode (before it) finds nothing to remove.
    await assertConverges(compileRole(role, { host: root.host }), root, {
      check: ['would-change', 'would-change', 'would-change', 'ok'],
      apply: ['changed', 'changed', 'changed', 'changed'],
    });
    const test = await execa('chroot', [root.root, 'nginx', '-t'], { reject: false, all: true });
    expect(test.exitCode, test.all).to.equal(0);
    expect(await readFile(join(root.root, 'etc/nginx/sites-available/support'), 'utf8')).to.equal(CLONED);
    expect(await readdir(join(root.root, 'etc/nginx/sites-enabled'))).to.deep.equal(['support']);
  });
});
