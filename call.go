package sts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/stsgo/sts/internal/signer"
)

// call sends one operation, retrying as the call's settings allow, and decodes the
// response into a Response[B].
func call[B any](ctx context.Context, c *Client, op operation, params []signer.Param, runtime *RuntimeOptions) (*Response[B], error) {
	s, err := c.settings(runtime)
	if err != nil {
		return nil, err
	}
	params = mergeParams(nil, c.globalQueries, s.queries, params)
	var cred credential
	if !op.anonymous {
		if cred, err = c.creds.get(ctx); err != nil {
			return nil, fmt.Errorf("sts: %s: %w", op.action, err)
		}
	}
	ctx = withCallSettings(ctx, &s)
	var m mends
	for attempt, sent := 1, 1; ; sent++ {
		resp, err := attemptOnce[B](ctx, c, op, params, &s, cred, sent)
		if err == nil {
			return resp, nil
		}
		var se *ServiceError
		errors.As(err, &se)
		if again, ferr := c.mend(ctx, op, se, &m, &cred); ferr != nil {
			return nil, ferr
		} else if again {
			continue // not an attempt of the retry policy's: the request has changed
		}
		// An attempt that the caller's context ended says so already; one that
		// ended otherwise while the context did too is reported as the wait for
		// its retry would be.
		if attempt >= s.attempts || !IsRetryable(err) || callerEndedIt(ctx, err) {
			return nil, withAttempts(err, sent)
		}
		var retryAfter time.Duration
		if se != nil {
			retryAfter = se.RetryAfter
		}
		if !sleep(ctx, s.backoff.delay(attempt, retryAfter)) {
			return nil, fmt.Errorf("sts: %s: %w while waiting to retry after %s; the last: %w", op.action, callerEnded(ctx), attemptsText(sent), err)
		}
		attempt++
	}
}

// callerEndedIt reports whether ctx has ended and err is its error.
func callerEndedIt(ctx context.Context, err error) bool {
	cerr := ctx.Err()
	return cerr != nil && errors.Is(err, cerr)
}

// withAttempts records in a call's final TransportError how many requests it sent.
func withAttempts(err error, sent int) error {
	var te *TransportError
	if errors.As(err, &te) {
		te.Attempts = sent
	}
	return err
}

// mends records which repairs a call has made; each is made once per call.
type mends struct{ clock, credential bool }

// mend repairs what a refusal shows to be wrong on this side, and reports whether the
// request is to be sent again at once:
//   - a timestamp refused (InvalidTimeStamp.Expired): the error gets the clock offset
//     measured from the answer; with skew correction on, later requests are signed
//     with the corrected time;
//   - credentials the service no longer accepts (an expired token, an unknown key):
//     when the client's Credential is a CredentialInvalidator (stscreds caches are),
//     the refused credentials are invalidated, unless a refresh has replaced them
//     already, and the call fetches credentials anew and is sent again if they
//     differ. An error is that fetch's.
func (c *Client) mend(ctx context.Context, op operation, se *ServiceError, m *mends, cred *credential) (bool, error) {
	if se == nil {
		return false, nil
	}
	if se.Code == "InvalidTimeStamp.Expired" {
		se.ClockSkew = c.ClockOffset()
	}
	if ctx.Err() != nil {
		return false, nil
	}
	switch se.Code {
	case "InvalidTimeStamp.Expired":
		if !c.correctSkew || m.clock || time.Duration(c.signOffset.Load()) == se.ClockSkew {
			return false, nil
		}
		m.clock = true
		c.signOffset.Store(int64(se.ClockSkew))
		if c.logger != nil {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "sts: the service refused the request's timestamp; signing with the service's time from now on",
				slog.String("action", op.action), slog.Duration("clock_offset", se.ClockSkew), slog.String("request_id", se.RequestId))
		}
		return true, nil
	case "InvalidSecurityToken.Expired", "InvalidAccessKeyId.NotFound":
		inv, ok := c.creds.provider.(CredentialInvalidator)
		if op.anonymous || !ok || m.credential {
			return false, nil
		}
		m.credential = true
		inv.InvalidateCredentials(cred.accessKeyID, cred.securityToken)
		fresh, err := c.creds.get(ctx)
		if err != nil {
			return false, fmt.Errorf("sts: %s: the service refused the credentials (%s) and fetching them anew failed: %w", op.action, se.Code, err)
		}
		if fresh == *cred { // kept: sending them again would be refused again
			return false, nil
		}
		*cred = fresh
		return true, nil
	}
	return false, nil
}

// attemptOnce sends the request once, with a fresh timestamp and nonce, and decodes
// the answer.
func attemptOnce[B any](ctx context.Context, c *Client, op operation, params []signer.Param, s *callSettings, cred credential, attempt int) (*Response[B], error) {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, &RateLimitError{Action: op.action, Err: err}
		}
	}
	var start time.Time
	if c.logger != nil {
		start = time.Now()
	}
	caller := ctx
	if s.readTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.readTimeout)
		defer cancel()
	}
	resp, err := c.roundTrip(c.newRequest(ctx, op, params, s, cred))
	if err != nil {
		err = transportError(op, c.endpoint, scrubber{cred, params}.error(ended(caller, ctx, s.readTimeout, c.connectTimeoutFor(s), err)))
		c.logAttempt(ctx, op, attempt, 0, "", start, err)
		return nil, err
	}
	c.observeDate(resp.Header)
	buf := getBuffer()
	defer putBuffer(buf)
	err = readBody(buf, resp, c.maxBodyBytes)
	requestID := resp.Header.Get("X-Acs-Request-Id")
	var out *Response[B]
	switch {
	case errors.Is(err, errBodyTooLarge):
		err = &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: scrubber{cred, params}.field(requestID),
			Message: fmt.Sprintf("the response body is larger than %d bytes", c.maxBodyBytes), final: true}
	case err != nil:
		err = transportError(op, c.endpoint, scrubber{cred, params}.error(ended(caller, ctx, s.readTimeout, c.connectTimeoutFor(s), err)))
	default:
		out, err = decode[B](op, resp, buf.Bytes(), requestID, scrubber{cred, params})
	}
	if c.logger != nil { // whatever answered chose the header: it may echo a secret
		requestID = scrubber{cred, params}.field(requestID)
	}
	c.logAttempt(ctx, op, attempt, resp.StatusCode, requestID, start, err)
	return out, err
}

// logAttempt writes one debug line for an attempt, when a logger is set and enabled.
func (c *Client) logAttempt(ctx context.Context, op operation, attempt, status int, requestID string, start time.Time, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("action", op.action),
		slog.String("endpoint", c.endpoint),
		slog.Int("attempt", attempt),
		slog.Int("status", status),
		slog.String("request_id", requestID),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "sts attempt", attrs...)
}
