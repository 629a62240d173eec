package caddyfile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// automationPolicy is one certificate automation policy of the tls app,
// as caddytls.AutomationPolicy marshals. issuers are the issuer values
// (shared, as Caddy shares its issuer modules) that are marshaled into
// IssuersRaw at the end; IssuersRaw may also be set directly.
type automationPolicy struct {
	Subjects            []string          `json:"subjects,omitempty"`
	IssuersRaw          []*issuer         `json:"issuers,omitempty"`
	Managers            []Obj             `json:"get_certificate,omitempty"`
	RenewalWindowRatio  float64           `json:"renewal_window_ratio,omitempty"`
	KeyType             string            `json:"key_type,omitempty"`
	OnDemand            bool              `json:"on_demand,omitempty"`
	ReusePrivateKeys    bool              `json:"reuse_private_keys,omitempty"`
	DisableOCSPStapling bool              `json:"disable_ocsp_stapling,omitempty"`
	OCSPOverrides       map[string]string `json:"ocsp_overrides,omitempty"`

	issuers []*issuer
}

// equal reports whether ap and other are the same policy.
func (ap *automationPolicy) equal(other *automationPolicy) bool {
	return jsonEqual(ap, other) && jsonEqual(ap.issuers, other.issuers)
}

// emptyBut reports whether ap sets nothing except its subjects (and its
// certificate managers, if withManagers).
func (ap *automationPolicy) emptyBut(withManagers bool) bool {
	e := automationPolicy{Subjects: ap.Subjects}
	if withManagers {
		e.Managers = ap.Managers
	}
	return ap.equal(&e)
}

// buildTLSApp returns the tls app Caddy emits for the sites: automation
// policies for sites with TLS settings, loaded certificates, certificates
// to automate, and global TLS options. It returns an empty Obj when Caddy
// emits no tls app.
func (a *adaptation) buildTLSApp(pairings []pairing) (Obj, error) {
	app := Obj{}
	certs := Obj{}
	var policies []*automationPolicy
	httpPort, _ := a.httpPorts()
	autoHTTPS := a.autoHTTPSOption()

	// Hosts sharing a block with a catch-all key are automated explicitly,
	// since the catch-all hides them from automatic HTTPS.
	sharedWithHostless := map[string]struct{}{}
	if !slices.Contains(autoHTTPS, "off") {
		for _, p := range pairings {
			for _, sb := range p.serverBlocks {
				for _, addr := range sb.parsedKeys {
					if addr.Host != "" {
						continue
					}
					for _, other := range sb.parsedKeys {
						if other.Original != addr.Original && other.Host != "" && other.Scheme != "http" && other.Port != httpPort {
							sharedWithHostless[other.Host] = struct{}{}
						}
					}
					break
				}
			}
		}
	}

	catchAll, err := a.newBaseAutomationPolicy(false)
	if err != nil {
		return nil, err
	}
	if catchAll != nil {
		policies = append(policies, catchAll)
	}

	forced := map[string]struct{}{}
	loaders := map[string]*certLoader{}
	var loaderOrder []string
	for _, p := range pairings {
		var addrs []string
		for _, ap := range p.addresses {
			addrs = append(addrs, ap.address)
		}
		if !listenersUseAnyPortOtherThan(addrs, httpPort) {
			continue
		}
		for _, sb := range p.serverBlocks {
			if sb.isAllHTTP() {
				continue
			}
			ap, err := a.newBaseAutomationPolicy(true)
			if err != nil {
				return nil, err
			}
			hosts := sb.hostsFromKeys(false)
			if len(hosts) == 0 && catchAll != nil {
				ap = catchAll
			}
			if _, ok := sb.pile["tls.on_demand"]; ok {
				ap.OnDemand = true
			}
			if _, ok := sb.pile["tls.force_automate"]; ok {
				for _, h := range hosts {
					forced[h] = struct{}{}
				}
			}
			for _, v := range sb.pile["tls.cert_manager"] {
				ap.Managers = append(ap.Managers, v.Value.(Obj))
			}
			if _, ok := sb.pile["tls.reuse_private_keys"]; ok {
				ap.ReusePrivateKeys = true
			}
			if v, ok := sb.pile["tls.key_type"]; ok {
				ap.KeyType = v[0].Value.(string)
			}
			if v, ok := sb.pile["tls.renewal_window_ratio"]; ok {
				ap.RenewalWindowRatio = v[0].Value.(float64)
			} else if r, ok := a.options["renewal_window_ratio"].(float64); ok {
				ap.RenewalWindowRatio = r
			}
			if vals, ok := sb.pile["tls.cert_issuer"]; ok {
				var issuers []*issuer
				for _, v := range vals {
					issuers = append(issuers, v.Value.(*issuer))
				}
				if ap == catchAll && !jsonEqual(ap.issuers, issuers) {
					return nil, fmt.Errorf("automation policy from site block is also default/catch-all policy because of key without hostname, and the two are in conflict")
				}
				ap.issuers = issuers
			}
			for _, v := range sb.pile["bind"] {
				for _, iss := range ap.issuers {
					if iss.Module != "acme" {
						continue
					}
					ch := iss.challengeConfigs()
					if ch.BindHost == "" {
						if b := v.Value.(bindValue); len(b.addresses) > 0 {
							ch.BindHost = b.addresses[0]
						}
					}
				}
			}
			if len(hosts) == 0 && catchAll == nil {
				catchAll = ap
			}
			ap.Subjects = sb.hostsFromKeysNotHTTP(httpPort)

			// Split public and internal names when no issuer was chosen.
			var ap2 *automationPolicy
			if len(ap.issuers) == 0 {
				var internal, external []string
				for _, s := range ap.Subjects {
					if strings.HasSuffix(strings.ToLower(s), ".ts.net") {
						continue
					}
					if !subjectQualifiesForCert(s) {
						return nil, fmt.Errorf("subject does not qualify for certificate: '%s'", s)
					}
					if policyQualifiesForPublicCert(ap, s) {
						external = append(external, s)
					} else {
						internal = append(internal, s)
					}
				}
				if len(external) > 0 && len(internal) > 0 {
					ap.Subjects = external
					c := *ap
					ap2 = &c
					ap2.Subjects = internal
					ap2.IssuersRaw = []*issuer{{Module: "internal"}}
				}
			}
			policies = append(policies, ap)
			if ap2 != nil {
				policies = append(policies, ap2)
			}
			for _, v := range sb.pile["tls.cert_loader"] {
				cl := v.Value.(certLoader)
				acc, ok := loaders[cl.name]
				if !ok {
					acc = &certLoader{name: cl.name}
					loaders[cl.name] = acc
					loaderOrder = append(loaderOrder, cl.name)
				}
				acc.files = append(acc.files, cl.files...)
				acc.folders = append(acc.folders, cl.folders...)
			}
		}
	}
	for _, name := range loaderOrder {
		if l := loaders[name]; name == "load_files" {
			certs[name] = l.files
		} else {
			certs[name] = l.folders
		}
	}

	if r, ok := a.options["tls_resolvers"].([]string); ok {
		app["resolvers"] = r
	}
	if names, ok := a.options["ech"].([]string); ok {
		ap, err := a.echPolicy(names, policies, app)
		if err != nil {
			return nil, err
		}
		if ap != nil {
			policies = append(policies, ap)
		}
	}
	if st, ok := a.options["ocsp_stapling"].(ocspStapling); ok && st.disabled {
		app["disable_ocsp_stapling"] = true
	}
	if v, ok := a.options["storage_check"].(string); ok && v == "off" {
		app["disable_storage_check"] = true
	}
	automation := Obj{}
	if ond, ok := a.options["on_demand_tls"].(Obj); ok {
		automation["on_demand"] = ond
	}
	if v, ok := a.options["storage_clean_interval"].(bool); ok && !v {
		app["disable_storage_clean"] = true
	}
	for _, opt := range []string{"storage_clean_interval", "renew_interval", "ocsp_interval"} {
		if d, ok := a.options[opt].(int64); ok {
			automation[opt] = d
		}
	}

	// Names to automate explicitly, with internal ones issued internally.
	var automate []string
	internalAP := &automationPolicy{IssuersRaw: []*issuer{{Module: "internal"}}}
	if !slices.Contains(autoHTTPS, "off") && !slices.Contains(autoHTTPS, "disable_certs") {
		for _, h := range sortedKeys(sharedWithHostless) {
			automate = append(automate, h)
			if !subjectQualifiesForPublicCert(h) {
				internalAP.Subjects = append(internalAP.Subjects, h)
			}
		}
	}
	for _, name := range sortedKeys(forced) {
		if !slices.Contains(automate, name) {
			automate = append(automate, name)
		}
	}
	if names, ok := a.options["tls_automate_names"].([]string); ok {
		var public []string
		for _, name := range names {
			if slices.Contains(automate, name) {
				continue
			}
			automate = append(automate, name)
			if slices.ContainsFunc(policies, func(ap *automationPolicy) bool { return slices.Contains(ap.Subjects, name) }) {
				continue
			}
			if subjectQualifiesForPublicCert(name) {
				public = append(public, name)
			} else {
				internalAP.Subjects = append(internalAP.Subjects, name)
			}
		}
		if len(public) > 0 {
			ap, err := a.newBaseAutomationPolicy(a.hasGlobalACMEDefaults())
			if err != nil {
				return nil, err
			}
			if ap != nil {
				ap.Subjects = public
				policies = append(policies, ap)
			}
		}
	}
	slices.Sort(automate)
	if len(automate) > 0 {
		certs["automate"] = automate
	}
	if len(internalAP.Subjects) > 0 {
		policies = append(policies, internalAP)
	}

	if len(policies) > 0 {
		if a.hasGlobalACMEDefaults() {
			email, _ := a.options["email"].(string)
			for _, ap := range policies {
				if len(ap.issuers) == 0 && policyHasAllPublicNames(ap) {
					ap.issuers = defaultIssuers(email)
					if a.options["acme_ca"] != nil {
						ap.issuers = []*issuer{{Module: "acme"}}
					}
				}
			}
		}
		for _, ap := range policies {
			for _, iss := range ap.issuers {
				a.fillInGlobalACMEDefaults(iss)
			}
			if len(ap.issuers) > 0 && ap.IssuersRaw == nil {
				for _, iss := range ap.issuers {
					ap.IssuersRaw = append(ap.IssuersRaw, iss.clone())
				}
			}
		}
		policies = consolidateAutomationPolicies(policies)
		seen := map[string]bool{}
		for _, ap := range policies {
			for _, s := range ap.Subjects {
				if seen[s] {
					return nil, fmt.Errorf("hostname appears in more than one automation policy, making certificate management ambiguous: %s", s)
				}
				seen[s] = true
			}
		}
		if len(policies) > 0 {
			automation["policies"] = policies
		}
	}
	if len(automation) > 0 {
		app["automation"] = automation
	}
	if len(certs) > 0 {
		app["certificates"] = certs
	}
	return app, nil
}

// echPolicy sets the Encrypted ClientHello configs of the tls app and
// returns a policy for the public names no policy covers yet (nil if none).
func (a *adaptation) echPolicy(names []string, policies []*automationPolicy, app Obj) (*automationPolicy, error) {
	var configs []Obj
	for _, n := range names {
		configs = append(configs, Obj{"public_name": n})
	}
	app["encrypted_client_hello"] = Obj{"configs": configs}
	ap, err := a.newBaseAutomationPolicy(true)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		name := strings.ToLower(strings.TrimSpace(n))
		covered := slices.ContainsFunc(policies, func(p *automationPolicy) bool {
			return slices.ContainsFunc(p.Subjects, func(s string) bool { return matchWildcard(name, s) })
		})
		if n != "" && !covered {
			ap.Subjects = append(ap.Subjects, n)
		}
	}
	if len(ap.Subjects) == 0 {
		return nil, nil
	}
	return ap, nil
}

// hasGlobalACMEDefaults reports whether global options set ACME defaults.
func (a *adaptation) hasGlobalACMEDefaults() bool {
	return a.options["email"] != nil || a.options["acme_ca"] != nil ||
		a.options["acme_ca_root"] != nil || a.options["acme_eab"] != nil ||
		a.options["preferred_chains"] != nil
}

// newBaseAutomationPolicy returns a policy with the global automation
// options (issuers, local_certs, key_type, ocsp_stapling, renewal window),
// or nil if there are none and always is false.
func (a *adaptation) newBaseAutomationPolicy(always bool) (*automationPolicy, error) {
	issuers, hasIssuers := a.options["cert_issuer"].([]*issuer)
	_, hasLocalCerts := a.options["local_certs"]
	keyType, hasKeyType := a.options["key_type"].(string)
	ocsp, hasOCSP := a.options["ocsp_stapling"].(ocspStapling)
	ratio, hasRatio := a.options["renewal_window_ratio"].(float64)
	hasACME := a.options["acme_ca"] != nil || a.options["acme_ca_root"] != nil ||
		a.options["acme_eab"] != nil || a.options["preferred_chains"] != nil
	if !hasIssuers && !hasLocalCerts && !hasKeyType && !hasOCSP && !hasRatio && !hasACME {
		if always {
			return &automationPolicy{}, nil
		}
		return nil, nil
	}
	ap := &automationPolicy{KeyType: keyType}
	if hasIssuers && hasLocalCerts {
		return nil, fmt.Errorf("global options are ambiguous: local_certs is confusing when combined with cert_issuer, because local_certs is also a specific kind of issuer")
	}
	if hasIssuers {
		ap.issuers = issuers
	} else if hasLocalCerts {
		ap.issuers = []*issuer{{Module: "internal"}}
	}
	if hasACME {
		for _, iss := range ap.issuers {
			a.fillInGlobalACMEDefaults(iss)
		}
	}
	if hasOCSP {
		ap.DisableOCSPStapling = ocsp.disabled
	}
	if hasRatio {
		ap.RenewalWindowRatio = ratio
	}
	return ap, nil
}

// fillInGlobalACMEDefaults sets the global ACME options (email, CA, CA
// root, EAB, ports, default bind) on an ACME issuer where it has none.
func (a *adaptation) fillInGlobalACMEDefaults(iss *issuer) {
	if iss.Module != "acme" {
		return
	}
	if email, ok := a.options["email"].(string); ok && iss.Email == "" {
		iss.Email = email
	}
	if ca, ok := a.options["acme_ca"].(string); ok && iss.CA == "" {
		iss.CA = ca
	}
	if root, ok := a.options["acme_ca_root"].(string); ok && !slices.Contains(iss.TrustedRootsPEM, root) {
		iss.TrustedRootsPEM = append(iss.TrustedRootsPEM, root)
	}
	if e, ok := a.options["acme_eab"].(*eab); ok && iss.ExternalAccount == nil {
		iss.ExternalAccount = e
	}
	if p, ok := a.options["http_port"].(int); ok && (iss.Challenges == nil || iss.Challenges.HTTP == nil || iss.Challenges.HTTP.AlternatePort == 0) {
		iss.challenge(true).AlternatePort = p
	}
	if p, ok := a.options["https_port"].(int); ok && (iss.Challenges == nil || iss.Challenges.TLSALPN == nil || iss.Challenges.TLSALPN.AlternatePort == 0) {
		iss.challenge(false).AlternatePort = p
	}
	if iss.Challenges == nil || iss.Challenges.BindHost == "" {
		if binds, ok := a.options["default_bind"].([]ConfigValue); ok && len(binds) > 0 {
			if b := binds[0].Value.(bindValue); len(b.addresses) > 0 {
				iss.challengeConfigs().BindHost = b.addresses[0]
			}
		}
	}
	if p, ok := a.options["preferred_chains"].(*chainPreference); ok && iss.PreferredChains == nil {
		iss.PreferredChains = p
	}
	if d, ok := a.options["cert_lifetime"].(int64); ok && iss.CertificateLifetime == 0 {
		iss.CertificateLifetime = d
	}
}

// policyQualifiesForPublicCert reports whether subj of ap can get a
// public certificate (on-demand policies allow nested wildcards).
func policyQualifiesForPublicCert(ap *automationPolicy, subj string) bool {
	return !subjectIsIP(subj) && !subjectIsInternal(subj) &&
		(strings.Count(subj, "*.") < 2 || ap.OnDemand)
}

// policyHasAllPublicNames reports whether every subject of ap can get a
// public certificate.
func policyHasAllPublicNames(ap *automationPolicy) bool {
	return !slices.ContainsFunc(ap.Subjects, func(s string) bool {
		return !policyQualifiesForPublicCert(ap, s) || strings.HasSuffix(strings.ToLower(s), ".ts.net")
	})
}

// consolidateAutomationPolicies sorts policies most specific first, drops
// empty policies that change nothing and duplicates, and merges policies
// that differ only in their subjects, as Caddy does.
func consolidateAutomationPolicies(aps []*automationPolicy) []*automationPolicy {
	sort.SliceStable(aps, func(i, j int) bool {
		if policyIsSubset(aps[i], aps[j]) {
			return true
		}
		if policyIsSubset(aps[j], aps[i]) {
			return false
		}
		return len(aps[i].Subjects) > len(aps[j].Subjects)
	})

	emptyCount, origLen := 0, len(aps)
	for i := 0; i < len(aps); i++ {
		if !aps[i].emptyBut(false) {
			continue
		}
		emptyCount++
		shadow := policyShadows(i, aps)
		if i == len(aps)-1 || (shadow >= 0 && aps[shadow].emptyBut(true)) {
			aps = slices.Delete(aps, i, i+1)
			i--
		}
	}
	if emptyCount == origLen {
		return nil
	}

outer:
	for i := 0; i < len(aps); i++ {
		for j := i + 1; j < len(aps); j++ {
			if aps[i].equal(aps[j]) {
				aps = slices.Delete(aps, j, j+1)
				i--
				continue outer
			}
			if policiesHaveSameIssuers(aps[i], aps[j]) &&
				jsonEqual(aps[i].Managers, aps[j].Managers) &&
				aps[i].KeyType == aps[j].KeyType &&
				aps[i].OnDemand == aps[j].OnDemand &&
				aps[i].ReusePrivateKeys == aps[j].ReusePrivateKeys &&
				aps[i].RenewalWindowRatio == aps[j].RenewalWindowRatio {
				if len(aps[i].Subjects) > 0 && len(aps[j].Subjects) == 0 {
					if policyShadows(i, aps) >= j {
						aps = slices.Delete(aps, i, i+1)
						i--
						continue outer
					}
				} else if !policyMergeShadows(i, j, aps) {
					for _, s := range aps[j].Subjects {
						if !slices.Contains(aps[i].Subjects, s) {
							aps[i].Subjects = append(aps[i].Subjects, s)
						}
					}
					aps = slices.Delete(aps, j, j+1)
					j--
				}
			}
		}
	}
	return aps
}

// policyIsSubset reports whether every subject of a is matched by b (a
// policy without subjects matches everything).
func policyIsSubset(a, b *automationPolicy) bool {
	if len(b.Subjects) == 0 {
		return true
	}
	if len(a.Subjects) == 0 {
		return false
	}
	for _, as := range a.Subjects {
		if !slices.ContainsFunc(b.Subjects, func(bs string) bool { return matchWildcard(as, bs) }) {
			return false
		}
	}
	return true
}

// policyShadows returns the index of the first policy after i that covers
// all of policy i's subjects, or -1.
func policyShadows(i int, aps []*automationPolicy) int {
	for j := i + 1; j < len(aps); j++ {
		if policyIsSubset(aps[i], aps[j]) {
			return j
		}
	}
	return -1
}

// policyMergeShadows reports whether a policy between i and j overlaps
// policy j, so merging j into i would change which policy applies.
func policyMergeShadows(i, j int, aps []*automationPolicy) bool {
	for k := i + 1; k < j; k++ {
		for _, ks := range aps[k].Subjects {
			for _, js := range aps[j].Subjects {
				if matchWildcard(ks, js) || matchWildcard(js, ks) {
					return true
				}
			}
		}
	}
	return false
}

// policiesHaveSameIssuers reports whether a and b issue alike.
func policiesHaveSameIssuers(a, b *automationPolicy) bool {
	if jsonEqual(a.IssuersRaw, b.IssuersRaw) {
		if len(a.IssuersRaw) > 0 || len(a.issuers) > 0 || len(b.IssuersRaw) > 0 || len(b.issuers) > 0 {
			return true
		}
		ac, bc := implicitIssuerClass(a), implicitIssuerClass(b)
		return ac == "catch-all" || bc == "catch-all" || ac == bc
	}
	return usesDefaultInternalIssuer(a) && usesDefaultInternalIssuer(b)
}

// usesDefaultInternalIssuer reports whether ap issues with the default
// internal issuer, explicitly or implicitly.
func usesDefaultInternalIssuer(ap *automationPolicy) bool {
	if len(ap.IssuersRaw) == 0 && len(ap.issuers) == 0 {
		return implicitIssuerClass(ap) == "internal"
	}
	return len(ap.IssuersRaw) == 1 && len(ap.issuers) == 0 && jsonEqual(ap.IssuersRaw[0], &issuer{Module: "internal"})
}

// implicitIssuerClass classifies a policy without issuers by its subjects:
// "catch-all", "public", "internal" or "mixed".
func implicitIssuerClass(ap *automationPolicy) string {
	if len(ap.Subjects) == 0 {
		return "catch-all"
	}
	public := slices.ContainsFunc(ap.Subjects, func(s string) bool { return policyQualifiesForPublicCert(ap, s) })
	internal := slices.ContainsFunc(ap.Subjects, func(s string) bool { return !policyQualifiesForPublicCert(ap, s) })
	switch {
	case public && internal:
		return "mixed"
	case public:
		return "public"
	}
	return "internal"
}
