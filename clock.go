package sts

import (
	"net/http"
	"time"
)

// The client keeps two clocks apart: its own (time.Now, or WithClock's), and the
// service's, as the Date header of each answer tells it. Their difference is measured
// on every answer (ClockOffset); it moves the times the client signs only after the
// service has refused a timestamp, and only with skew correction on (the default).

// stamp is a formatted timestamp and the second it names.
type stamp struct {
	unix int64
	text string
}

// timestamp returns the time to sign, in the signed layout: the client's clock,
// corrected by the offset the service's refusal of a timestamp measured. Requests in
// the same second share one formatted string, which saves a busy client a format and
// an allocation per request.
func (c *Client) timestamp() string {
	now := c.now()
	if d := c.signOffset.Load(); d != 0 {
		now = now.Add(time.Duration(d))
	}
	if st := c.lastStamp.Load(); st != nil && st.unix == now.Unix() {
		return st.text
	}
	st := &stamp{unix: now.Unix(), text: now.UTC().Format(ExpirationLayout)}
	c.lastStamp.Store(st)
	return st.text
}

// dateSample is the last Date header an answer carried, and the offset measured from
// it.
type dateSample struct {
	text   string
	offset time.Duration
}

// observeDate measures the service's clock against the client's from an answer's
// Date header. The header changes once a second, and only a new value is parsed.
func (c *Client) observeDate(h http.Header) {
	v := h.Get("Date")
	if v == "" {
		return
	}
	if last := c.lastDate.Load(); last != nil && last.text == v {
		return
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return
	}
	// Date names the second in which the service answered: its clock read somewhere in
	// [t, t+1s). Measured from the middle and cut to whole seconds, a clock that agrees
	// with the service's to within half a second reads as no offset.
	offset := t.Add(500 * time.Millisecond).Sub(c.now()).Truncate(time.Second)
	c.lastDate.Store(&dateSample{text: v, offset: offset})
}

// ClockOffset returns how far the service's clock is ahead of the client's (negative
// when it is behind), to the second, as measured from the Date header of the latest
// answer; zero before any answer. stscreds uses it to turn the service's Expiration
// into local time.
func (c *Client) ClockOffset() time.Duration {
	if last := c.lastDate.Load(); last != nil {
		return last.offset
	}
	return 0
}
