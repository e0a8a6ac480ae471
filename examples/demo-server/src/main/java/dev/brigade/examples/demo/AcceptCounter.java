package dev.brigade.examples.demo;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts a connection as open the moment the listener accepts it, before it is handed to an
 * event loop: a drain that only counted active connections could shut down while an accepted
 * one was still on its way to its loop, and that client would see a reset.
 */
@ChannelHandler.Sharable
final class AcceptCounter extends ChannelInboundHandlerAdapter {
    private final Drain drain;

    AcceptCounter(Drain drain) {
        this.drain = drain;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object acceptedChild) {
        drain.connectionOpened();
        ctx.fireChannelRead(acceptedChild);
    }
}
