package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
)

// daemonTransport speaks git's own protocol over TCP (git://, port 9418,
// what git daemon serves), as gitprotocol-pack(5) describes it: the
// client opens with one pkt-line that names the service, the path and
// the host ("git-upload-pack /diary.git\0host=example.com\0"), and from
// there the conversation is the one ssh carries (reference advertisement,
// then wants and haves and the pack, or commands and the pack and the
// report).
//
// diary dials it itself, not through go-git's git transport, which dials
// with net.Dial: out of reach of the step's context, and of its Meter,
// which must see the connection's TCP acknowledgements (stall.go) so that
// the end of a push over a slow link, the pack still leaving the kernel's
// send buffer, is not taken for a stall.
type daemonTransport struct{}

func (daemonTransport) NewUploadPackSession(ep *gittransport.Endpoint, _ gittransport.AuthMethod) (gittransport.UploadPackSession, error) {
	return &daemonSession{ep: ep, service: gittransport.UploadPackServiceName}, nil
}

func (daemonTransport) NewReceivePackSession(ep *gittransport.Endpoint, _ gittransport.AuthMethod) (gittransport.ReceivePackSession, error) {
	return &daemonSession{ep: ep, service: gittransport.ReceivePackServiceName}, nil
}

// daemonSession is one connection to a git daemon, opened by its first
// request, within that request's context.
type daemonSession struct {
	ep      *gittransport.Endpoint
	service string
	conn    net.Conn
	adv     *packp.AdvRefs
	asked   bool // a pack was asked for or sent: no polite goodbye
	done    bool
}

// daemonPort is git's registered port (gitprotocol-pack(5)).
const daemonPort = 9418

func (s *daemonSession) open(ctx context.Context) error {
	if s.conn != nil {
		return nil
	}
	if s.done {
		return errors.New("session closed")
	}
	port := s.ep.Port
	if port <= 0 {
		port = daemonPort
	}
	addr := net.JoinHostPort(s.ep.Host, strconv.Itoa(port))
	conn, err := ctxDialer{ctx: ctx}.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	s.conn = conn
	host := s.ep.Host
	if port != daemonPort {
		host = addr
	}
	req := packp.GitProtoRequest{RequestCommand: s.service, Pathname: s.ep.Path, Host: host}
	return req.Encode(conn)
}

func (s *daemonSession) AdvertisedReferences() (*packp.AdvRefs, error) {
	return s.AdvertisedReferencesContext(context.Background())
}

func (s *daemonSession) AdvertisedReferencesContext(ctx context.Context) (*packp.AdvRefs, error) {
	if s.adv != nil {
		return s.adv, nil
	}
	if err := s.open(ctx); err != nil {
		return nil, err
	}
	receive := s.service == gittransport.ReceivePackServiceName
	ar := packp.NewAdvRefs()
	err := ar.Decode(s.conn)
	var errLine *pktline.ErrorLine
	var odd *packp.ErrUnexpectedData
	switch {
	case err == nil:
	case errors.As(err, &errLine):
		// The daemon refuses with "ERR access denied or repository not
		// exported: /path" when it serves no such repository.
		if notThere(errLine.Text) {
			return nil, gittransport.ErrRepositoryNotFound
		}
		return nil, errLine
	case errors.As(err, &odd) && notThere(string(odd.Data)):
		return nil, gittransport.ErrRepositoryNotFound
	case errors.Is(err, packp.ErrEmptyAdvRefs):
		// A repository with no commit: a flush, or only capabilities.
		if !receive {
			s.Close()
			return nil, gittransport.ErrEmptyRemoteRepository
		}
	case errors.Is(err, packp.ErrEmptyInput):
		return nil, io.ErrUnexpectedEOF // hung up without a word
	default:
		return nil, err
	}
	if !receive && ar.IsEmpty() {
		s.Close()
		return nil, gittransport.ErrEmptyRemoteRepository
	}
	gittransport.FilterUnsupportedCapabilities(ar.Capabilities)
	s.adv = ar
	return ar, nil
}

// notThere reports whether a server's refusal says that there is no such
// repository (or none it serves).
func notThere(msg string) bool {
	for _, s := range []string{"not exported", "no such repository", "not found", "does not appear to be a git repository", "does not exist"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func (s *daemonSession) UploadPack(ctx context.Context, req *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	if req.IsEmpty() {
		// Every commit wanted is here already: nothing to ask for.
		s.Close()
		return nil, gittransport.ErrEmptyUploadPackRequest
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if _, err := s.AdvertisedReferencesContext(ctx); err != nil {
		return nil, err
	}
	s.asked = true
	// Wants, haves, and done: no multi-round negotiation, the server
	// sends what the haves do not cover.
	if err := req.UploadRequest.Encode(s.conn); err != nil {
		return nil, err
	}
	if err := req.UploadHaves.Encode(s.conn, true); err != nil {
		return nil, err
	}
	if err := pktline.NewEncoder(s.conn).EncodeString("done\n"); err != nil {
		return nil, err
	}
	resp := packp.NewUploadPackResponse(req)
	if err := resp.Decode(sessionReader{s}); err != nil {
		return nil, err
	}
	return resp, nil
}

// sessionReader reads the connection, and closes the session.
type sessionReader struct{ s *daemonSession }

func (r sessionReader) Read(p []byte) (int, error) { return r.s.conn.Read(p) }
func (r sessionReader) Close() error               { return r.s.Close() }

func (s *daemonSession) ReceivePack(ctx context.Context, req *packp.ReferenceUpdateRequest) (*packp.ReportStatus, error) {
	if _, err := s.AdvertisedReferencesContext(ctx); err != nil {
		return nil, err
	}
	s.asked = true
	if err := req.Encode(s.conn); err != nil {
		return nil, err
	}
	if !req.Capabilities.Supports(capability.ReportStatus) {
		return nil, s.Close()
	}
	var r io.Reader = s.conn
	switch {
	case req.Capabilities.Supports(capability.Sideband64k):
		d := sideband.NewDemuxer(sideband.Sideband64k, r)
		d.Progress = req.Progress
		r = d
	case req.Capabilities.Supports(capability.Sideband):
		d := sideband.NewDemuxer(sideband.Sideband, r)
		d.Progress = req.Progress
		r = d
	}
	report := packp.NewReportStatus()
	if err := report.Decode(r); err != nil {
		return nil, err
	}
	return report, report.Error()
}

// Close ends the session: a connection that asked for nothing says
// goodbye with a flush-pkt, as the protocol has it, before it closes.
func (s *daemonSession) Close() error {
	if s.done {
		return nil
	}
	s.done = true
	if s.conn == nil {
		return nil
	}
	if !s.asked {
		s.conn.Write(pktline.FlushPkt)
	}
	return s.conn.Close()
}
