package dev.brigade.examples.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/** Answers the demo's endpoints; while draining, every response closes its connection. */
final class DemoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String PID = Long.toString(ProcessHandle.current().pid());
    private final Drain drain;
    private final HashWork hash;

    DemoHandler(Drain drain, HashWork hash) {
        this.drain = drain;
        this.hash = hash;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        drain.requestStarted();
        try {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String body;
            HttpResponseStatus status = HttpResponseStatus.OK;
            switch (q.path()) {
                case "/" -> body = "hello from " + PID + "\n";
                case "/pid" -> body = PID;
                case "/hash" -> body = hash.hash(q.parameters().getOrDefault("pw", java.util.List.of("pw")).get(0));
                default -> {
                    status = HttpResponseStatus.NOT_FOUND;
                    body = "no such path: " + q.path() + "\n";
                }
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(req) && !drain.draining();
            if (keepAlive) {
                ctx.writeAndFlush(res);
            } else {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            drain.requestEnded();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        drain.connectionClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a client that went away; nothing to report in a demo
    }
}
