package sts

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryFieldIsHandled lists the fields of Config and RuntimeOptions that the
// client honours or refuses. A new field in a newer darabonba-openapi or tea-utils
// fails this test until it is given one or the other, so that no setting is ever
// silently ignored.
func TestEveryFieldIsHandled(t *testing.T) {
	handled := map[reflect.Type][]string{
		reflect.TypeFor[Config](): {
			// honoured
			"AccessKeyId", "AccessKeySecret", "SecurityToken", "Credential", "Type", "RegionId", "Endpoint", "Network",
			"Protocol", "SignatureAlgorithm", "Method", "UserAgent", "ConnectTimeout", "ReadTimeout", "IdleTimeout",
			"HttpProxy", "HttpsProxy", "NoProxy", "MaxIdleConns", "Ca", "Cert", "Key", "TlsMinVersion", "DisableHttp2",
			"GlobalParameters",
			// refused
			"BearerToken", "Suffix", "EndpointType", "OpenPlatformEndpoint", "Socks5Proxy", "Socks5NetWork",
			"SignatureVersion", "RetryOptions", "HttpClient",
		},
		reflect.TypeFor[RuntimeOptions](): {
			// honoured
			"Autoretry", "MaxAttempts", "BackoffPolicy", "BackoffPeriod", "ReadTimeout", "ConnectTimeout",
			"HttpProxy", "HttpsProxy", "NoProxy", "ExtendsParameters", "IgnoreSSL", "KeepAlive",
			// refused
			"Key", "Cert", "Ca", "LocalAddr", "MaxIdleConns", "Socks5Proxy", "Socks5NetWork", "IdleTimeout",
			"WebSocketPingInterval", "WebSocketPongTimeout", "WebSocketEnableReconnect", "WebSocketReconnectInterval",
			"WebSocketMaxReconnectTimes", "WebSocketWriteTimeout", "WebSocketHandshakeTimeout", "WebSocketHandler",
		},
	}
	for typ, names := range handled {
		var fields []string
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() && !f.Anonymous {
				fields = append(fields, f.Name)
			}
		}
		require.ElementsMatch(t, names, fields, "%s: fields the client neither honours nor refuses", typ)
	}
}
